// Streams journal entries (for `kubectl logs`) by running journalctl as a child process and parsing its JSON
// output line by line as it comes: nothing is buffered whole. No shell is involved and only validated values reach
// journalctl's command line, never in an option's place: matches are "FIELD=value" arguments after "--". When the
// caller stops reading (cancellation, or leaving an `await foreach`), journalctl is killed and reaped before the
// enumeration completes.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Vks.Systemd.Journal;

public sealed class JournalReader
{
    // One JSON line bigger than this is skipped rather than held in memory: a service can log huge binary
    // entries through the native protocol, and those must not take vks down.
    internal const int MaxLineBytes = 16 * 1024 * 1024;

    private readonly string? _directory;
    private readonly string _journalctl;

    /// <param name="directory">
    /// Read the journal files in this directory (journalctl --directory), e.g. a container's journal through
    /// /proc/PID/root/var/log/journal/MACHINE-ID; null reads the local system journal.
    /// </param>
    /// <param name="journalctl">The journalctl program to run.</param>
    public JournalReader(string? directory = null, string journalctl = "journalctl")
    {
        ArgumentException.ThrowIfNullOrEmpty(journalctl);
        if (directory is not null && !Path.IsPathFullyQualified(directory))
        {
            throw new ArgumentException($"Journal directory '{directory}' must be an absolute path.", nameof(directory));
        }

        _directory = directory;
        _journalctl = journalctl;
    }

    /// <summary>The entries <paramref name="query"/> selects, oldest first.</summary>
    public async IAsyncEnumerable<JournalEntry> ReadAsync(JournalQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var arguments = BuildArguments(query, _directory);
        await foreach (var line in ReadLinesAsync(arguments, cancellationToken).ConfigureAwait(false))
        {
            yield return JournalEntry.ParseJson(line);
        }
    }

    /// <summary>
    /// The runs (invocation IDs, 32 lower-case hex digits) of <paramref name="unitName"/>, newest first, each once.
    /// A run is seen through the entries of the unit's processes that also match <paramref name="matches"/>, and
    /// through the service manager's own messages about the unit ("Started", "Main process exited", ...), which
    /// name the run in INVOCATION_ID: so a run that logged nothing itself is still seen. Stop reading as soon as
    /// the run you look for has come by; the rest of the journal is then not read.
    /// </summary>
    public async IAsyncEnumerable<string> ReadRunsNewestFirstAsync(
        string unitName,
        IReadOnlyList<JournalMatch> matches,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var arguments = BuildRunArguments(unitName, matches, _directory);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var line in ReadLinesAsync(arguments, cancellationToken).ConfigureAwait(false))
        {
            if (RunOf(line) is { } run && seen.Add(run))
            {
                yield return run;
            }
        }
    }

    internal static IReadOnlyList<string> BuildArguments(JournalQuery query, string? directory)
    {
        ArgumentNullException.ThrowIfNull(query);
        var arguments = new List<string>
        {
            "--output=json",
            // --all prints large and binary fields in full instead of as null.
            "--all",
            // Only these fields are needed; journalctl always adds the cursor and timestamps.
            "--output-fields=MESSAGE,PRIORITY,_SYSTEMD_INVOCATION_ID",
            "--no-pager",
            "--quiet",
        };
        if (directory is not null)
        {
            arguments.Add("--directory=" + directory);
        }

        if (query.AfterCursor is { } cursor)
        {
            if (cursor.Length == 0 || cursor.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException("A journal cursor is neither empty nor holds NUL.", nameof(query));
            }

            arguments.Add("--after-cursor=" + cursor);
        }

        if (query.Tail is { } tail)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(tail, nameof(query));
            arguments.Add("--lines=" + tail.ToString(CultureInfo.InvariantCulture));
        }

        if (query.Since is { } since)
        {
            var microseconds = (since - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
            ArgumentOutOfRangeException.ThrowIfNegative(microseconds, nameof(query));
            arguments.Add(string.Create(CultureInfo.InvariantCulture, $"--since=@{microseconds / 1_000_000}.{microseconds % 1_000_000:D6}"));
        }

        if (query.Follow)
        {
            arguments.Add("--follow");
            // Following otherwise starts at the last 10 entries.
            if (query.Tail is null)
            {
                arguments.Add("--no-tail");
            }

            // Following otherwise means "this boot only", and fails outright on a journal with no entry of
            // the current boot yet (a container that has just started).
            arguments.Add("--merge");
        }

        arguments.Add("--");
        arguments.AddRange(query.Matches.Select(m => m.ToArgument()));
        if (query.InvocationId is { } invocation)
        {
            arguments.Add(JournalMatch.Invocation(invocation).ToArgument());
        }

        return arguments;
    }

    internal static IReadOnlyList<string> BuildRunArguments(string unitName, IReadOnlyList<JournalMatch> matches, string? directory)
    {
        var unit = JournalMatch.Unit(unitName);
        ArgumentNullException.ThrowIfNull(matches);
        var arguments = new List<string>
        {
            "--output=json",
            // _PID tells the service manager's messages (pid 1) from the unit's own.
            "--output-fields=_PID,INVOCATION_ID,_SYSTEMD_INVOCATION_ID",
            "--reverse",
            "--no-pager",
            "--quiet",
        };
        if (directory is not null)
        {
            arguments.Add("--directory=" + directory);
        }

        arguments.Add("--");
        arguments.Add(unit.ToArgument());
        arguments.AddRange(matches.Select(m => m.ToArgument()));
        // "+" ORs the two groups: the unit's entries, or pid 1's messages about the unit. _PID is set by journald
        // from the sender's credentials, so no process of the unit can pose as pid 1.
        arguments.Add("+");
        arguments.Add("_PID=1");
        arguments.Add(new JournalMatch("UNIT", unitName).ToArgument());
        return arguments;
    }

    // The run one line of BuildRunArguments' output belongs to. Only pid 1's INVOCATION_ID is believed: any process
    // can log a field of that name, while _SYSTEMD_INVOCATION_ID is set by journald.
    internal static string? RunOf(ReadOnlyMemory<byte> line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("A journal entry must be a JSON object.");
            }

            var fromManager = JournalEntry.FirstValue(root, "_PID") is { } pid && pid.AsSpan().SequenceEqual("1"u8);
            var run = JournalEntry.FirstValue(root, fromManager ? "INVOCATION_ID" : "_SYSTEMD_INVOCATION_ID") is { } value
                ? Encoding.UTF8.GetString(value)
                : null;
            return run is not null && JournalMatch.IsInvocationId(run) ? run.ToLowerInvariant() : null;
        }
        catch (JsonException e)
        {
            throw new FormatException("A journalctl output line is not valid JSON.", e);
        }
    }

    private async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadLinesAsync(IReadOnlyList<string> arguments, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_journalctl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        cancellationToken.ThrowIfCancellationRequested();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {_journalctl}.");
        try
        {
            // journalctl reads nothing; a closed stdin keeps it from inheriting the daemon's.
            process.StandardInput.Close();
            var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
            var lines = new LineReader(process.StandardOutput.BaseStream, MaxLineBytes);
            while (await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line.Length > 0)
                {
                    yield return line;
                }
            }

            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new JournalReadException(
                    $"journalctl exited with code {process.ExitCode}: {(await errors.ConfigureAwait(false)).Trim()}");
            }
        }
        finally
        {
            await StopAsync(process).ConfigureAwait(false);
        }
    }

    private static async Task StopAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }

        // Reaps the child, so no zombie is left behind either.
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }
}

public sealed class JournalReadException(string message) : Exception(message);
