// The query parameters of /containerLogs, read the way the kubelet reads them into a v1 PodLogOptions: the first value
// of each parameter counts; a boolean is false only for "0", "f" or "false" (any case) and true for anything else,
// "" included; numbers are base-10 integers; sinceTime is RFC 3339. The kubelet also takes the older "tail" parameter
// ("all" or a number). Invalid values are refused with a message for a 400 (the kubelet answers 422 to options that
// decode but fail validation; the API server checks the same rules before it proxies, so kubectl never sees either).
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Vks.Node.KubeletApi.Logs;

/// <param name="Follow">Keep streaming new lines until the container stops or the client goes away.</param>
/// <param name="Previous">Show the previous run of the container instead of the current one.</param>
/// <param name="Timestamps">Prefix each line with its time (RFC 3339 with nanoseconds, UTC) and a space.</param>
/// <param name="TailLines">Only the last N lines.</param>
/// <param name="Since">Only lines from this instant on (sinceSeconds before the request, or sinceTime).</param>
/// <param name="LimitBytes">Stop after this many bytes, even in the middle of a line.</param>
public sealed partial record ContainerLogOptions(bool Follow, bool Previous, bool Timestamps, int? TailLines, DateTimeOffset? Since, long? LimitBytes)
{
    public static bool TryParse(IQueryCollection query, DateTimeOffset now, out ContainerLogOptions options, out string error)
    {
        ArgumentNullException.ThrowIfNull(query);
        options = new ContainerLogOptions(false, false, false, null, null, null);
        error = "";

        var tailText = First(query, "tailLines");
        if (First(query, "tail") is { } legacyTail)
        {
            tailText = legacyTail == "all" ? null : legacyTail;
        }

        if (!TryInteger(tailText, "tailLines", out var tailLines, ref error)
            || !TryInteger(First(query, "sinceSeconds"), "sinceSeconds", out var sinceSeconds, ref error)
            || !TryInteger(First(query, "limitBytes"), "limitBytes", out var limitBytes, ref error)
            || !TryTime(First(query, "sinceTime"), out var sinceTime, ref error))
        {
            return false;
        }

        // PodLogOptions validation (ValidatePodLogOptions).
        if (tailLines < 0)
        {
            error = "tailLines: must be greater than or equal to 0";
            return false;
        }

        if (limitBytes < 1)
        {
            error = "limitBytes: must be greater than 0";
            return false;
        }

        if (sinceSeconds is not null && sinceTime is not null)
        {
            error = "at most one of `sinceTime` or `sinceSeconds` may be specified";
            return false;
        }

        if (sinceSeconds < 1)
        {
            error = "sinceSeconds: must be greater than 0";
            return false;
        }

        // More seconds than there are since 1970 (or lines than journalctl counts) mean "all".
        var maxSeconds = (long)(now - DateTimeOffset.UnixEpoch).TotalSeconds;
        var since = sinceTime ?? (sinceSeconds is { } seconds ? now.AddSeconds(-Math.Min(seconds, maxSeconds)) : null);
        options = new ContainerLogOptions(
            Bool(query, "follow"),
            Bool(query, "previous"),
            Bool(query, "timestamps"),
            tailLines is { } tail ? (int)Math.Min(tail, int.MaxValue) : null,
            since < DateTimeOffset.UnixEpoch ? DateTimeOffset.UnixEpoch : since,
            limitBytes);
        return true;
    }

    private static string? First(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    private static bool Bool(IQueryCollection query, string name) =>
        First(query, name) is { } text && text != "0" && !text.Equals("f", StringComparison.OrdinalIgnoreCase)
        && !text.Equals("false", StringComparison.OrdinalIgnoreCase);

    // Go's strconv.ParseInt(text, 10, 64): an optional sign and decimal digits, nothing else.
    private static bool TryInteger(string? text, string name, out long? value, ref string error)
    {
        value = null;
        if (text is null)
        {
            return true;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }

        error = $"{name}: '{text}' is not an integer";
        return false;
    }

    // Go's time.Parse(time.RFC3339, text), which also takes fractional seconds; "" and "null" mean "not given", as in
    // metav1.Time. Digits beyond .NET's 100 ns are dropped.
    private static bool TryTime(string? text, out DateTimeOffset? value, ref string error)
    {
        value = null;
        if (text is null or "" or "null")
        {
            return true;
        }

        var match = Rfc3339().Match(text);
        if (match.Success)
        {
            var fraction = match.Groups["fraction"].Value;
            var normalized = $"{match.Groups["datetime"].Value}.{(fraction + "0000000")[..7]}{match.Groups["offset"].Value}";
            if (DateTimeOffset.TryParseExact(normalized, "yyyy-MM-dd'T'HH:mm:ss.fffffffK", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                value = parsed;
                return true;
            }
        }

        error = $"sinceTime: '{text}' is not an RFC 3339 time";
        return false;
    }

    [GeneratedRegex(@"^(?<datetime>[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.(?<fraction>[0-9]{1,9}))?(?<offset>Z|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}
