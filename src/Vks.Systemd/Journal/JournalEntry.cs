// One journal entry as `journalctl --output=json --all` prints it, reduced to what `kubectl logs` needs.
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Vks.Systemd.Journal;

/// <param name="Timestamp">When journald received the entry (__REALTIME_TIMESTAMP).</param>
/// <param name="Message">MESSAGE as bytes: a process may log text that is not UTF-8.</param>
/// <param name="Priority">Syslog priority 0-7, when the entry has a numeric PRIORITY.</param>
/// <param name="InvocationId">_SYSTEMD_INVOCATION_ID: which run of the unit logged it.</param>
/// <param name="Cursor">__CURSOR: where to resume reading after this entry.</param>
public sealed record JournalEntry(DateTimeOffset Timestamp, ReadOnlyMemory<byte> Message, int? Priority, string? InvocationId, string Cursor)
{
    /// <summary>The message as text; bytes that are not UTF-8 become U+FFFD.</summary>
    public string MessageText => Encoding.UTF8.GetString(Message.Span);

    /// <summary>Parses one line of `journalctl --output=json` output.</summary>
    internal static JournalEntry ParseJson(ReadOnlyMemory<byte> line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("A journal entry must be a JSON object.");
            }

            var cursor = FirstValue(root, "__CURSOR") is { } cursorValue
                ? Encoding.UTF8.GetString(cursorValue)
                : throw new FormatException("The journal entry has no __CURSOR.");
            var timestamp = FirstValue(root, "__REALTIME_TIMESTAMP") is { } timestampValue
                ? ParseRealtime(Encoding.UTF8.GetString(timestampValue))
                : throw new FormatException("The journal entry has no __REALTIME_TIMESTAMP.");
            var message = FirstValue(root, "MESSAGE") ?? [];
            var priority = FirstValue(root, "PRIORITY") is { } priorityValue
                && int.TryParse(Encoding.UTF8.GetString(priorityValue), NumberStyles.None, CultureInfo.InvariantCulture, out var p)
                && p <= 7
                    ? p
                    : (int?)null;
            var invocation = FirstValue(root, "_SYSTEMD_INVOCATION_ID") is { } invocationValue
                ? Encoding.UTF8.GetString(invocationValue)
                : null;
            return new JournalEntry(timestamp, message, priority, invocation, cursor);
        }
        catch (JsonException e)
        {
            throw new FormatException("A journalctl output line is not valid JSON.", e);
        }
    }

    // journalctl prints a field as a string, as an array of byte values when it is not printable UTF-8, as
    // null when it is too large (not with --all), and as an array of those when the field repeats; for a
    // repeated field the first value is taken.
    internal static byte[]? FirstValue(JsonElement entry, string field)
    {
        if (!entry.TryGetProperty(field, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0
            && value[0].ValueKind is JsonValueKind.String or JsonValueKind.Array or JsonValueKind.Null)
        {
            value = value[0];
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => Encoding.UTF8.GetBytes(value.GetString()!),
            JsonValueKind.Array => value.EnumerateArray().Select(ByteOf).ToArray(),
            JsonValueKind.Null => null,
            _ => throw new FormatException($"The journal field {field} is neither text nor bytes."),
        };
    }

    private static byte ByteOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetByte(out var b)
            ? b
            : throw new FormatException("A binary journal field holds something other than byte values.");

    private static DateTimeOffset ParseRealtime(string microseconds)
    {
        if (!long.TryParse(microseconds, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            || value > (DateTimeOffset.MaxValue - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond)
        {
            throw new FormatException($"'{microseconds}' is not a journal timestamp.");
        }

        return DateTimeOffset.UnixEpoch.AddTicks(value * TimeSpan.TicksPerMicrosecond);
    }
}
