// Streams a unit's log for `kubectl logs` by running journalctl as a child process and parsing its JSON
// output. Only validated values reach journalctl's command line, and never in an option's place: the unit
// and invocation become "FIELD=value" matches after "--". When the caller stops reading (cancellation, or
// leaving an `await foreach`), journalctl is killed and reaped before the enumeration completes.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Vks.Systemd.Journal;

/// <param name="UnitName">The unit whose processes wrote the entries (_SYSTEMD_UNIT=).</param>
public sealed record JournalQuery(string UnitName)
{
    /// <summary>Only entries of this run of the unit (32 hex digits, as systemd prints an InvocationID).</summary>
    public string? InvocationId { get; init; }

    /// <summary>Only the last N entries (kubectl logs --tail).</summary>
    public int? Tail { get; init; }

    /// <summary>Only entries from this time on (kubectl logs --since / --since-time).</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Keep reading new entries until cancelled (kubectl logs -f).</summary>
    public bool Follow { get; init; }
}

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

    public async IAsyncEnumerable<JournalEntry> ReadAsync(JournalQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(_journalctl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in BuildArguments(query, _directory))
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
                    yield return JournalEntry.ParseJson(line);
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

    internal static IReadOnlyList<string> BuildArguments(JournalQuery query, string? directory)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!Units.SystemdEscaping.IsValidUnitName(query.UnitName))
        {
            throw new ArgumentException($"'{query.UnitName}' is not a valid unit name.", nameof(query));
        }

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
        arguments.Add("_SYSTEMD_UNIT=" + query.UnitName);
        if (query.InvocationId is { } invocation)
        {
            if (invocation.Length != 32 || !invocation.All(char.IsAsciiHexDigit))
            {
                throw new ArgumentException($"'{invocation}' is not an invocation ID (32 hex digits).", nameof(query));
            }

            arguments.Add("_SYSTEMD_INVOCATION_ID=" + invocation.ToLowerInvariant());
        }

        return arguments;
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
