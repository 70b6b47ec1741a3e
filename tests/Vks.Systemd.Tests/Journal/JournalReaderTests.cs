using System.Runtime.Versioning;
using System.Text;
using Vks.Systemd.Journal;

namespace Vks.Systemd.Tests.Journal;

[SupportedOSPlatform("linux")]
public sealed class JournalReaderTests : IDisposable
{
    // How long to wait for a child process to show up; a ceiling for slow machines, not a measurement.
    private static readonly TimeSpan AppearanceDeadline = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("vks-journal-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void Arguments_put_validated_matches_after_the_option_terminator()
    {
        var query = new JournalQuery("vks-default-web.service")
        {
            InvocationId = "0A1B2C3D4E5F60718293A4B5C6D7E8F9",
            Tail = 100,
            Since = DateTimeOffset.UnixEpoch.AddTicks(17_000_000_001_234_567),
        };

        Assert.Equal(
            [
                "--output=json", "--all", "--output-fields=MESSAGE,PRIORITY,_SYSTEMD_INVOCATION_ID", "--no-pager", "--quiet",
                "--directory=/proc/42/root/var/log/journal", "--lines=100", "--since=@1700000000.123456",
                "--", "_SYSTEMD_UNIT=vks-default-web.service", "_SYSTEMD_INVOCATION_ID=0a1b2c3d4e5f60718293a4b5c6d7e8f9",
            ],
            JournalReader.BuildArguments(query, "/proc/42/root/var/log/journal"));
    }

    [Fact]
    public void Following_without_a_tail_reads_everything_across_boots() =>
        Assert.Equal(
            ["--output=json", "--all", "--output-fields=MESSAGE,PRIORITY,_SYSTEMD_INVOCATION_ID", "--no-pager", "--quiet", "--follow", "--no-tail", "--merge", "--", "_SYSTEMD_UNIT=a.service"],
            JournalReader.BuildArguments(new JournalQuery("a.service") { Follow = true }, directory: null));

    [Theory]
    [InlineData("--since=yesterday.service", null)]
    [InlineData("a.service --all", null)]
    [InlineData("x", null)]
    [InlineData("a.service", "0a1b2c3d4e5f60718293a4b5c6d7e8f")]
    [InlineData("a.service", "0a1b2c3d4e5f60718293a4b5c6d7e8fg")]
    [InlineData("a.service", "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9")]
    public void Hostile_unit_names_and_invocation_ids_are_refused(string unit, string? invocation) =>
        Assert.Throws<ArgumentException>(() => JournalReader.BuildArguments(new JournalQuery(unit) { InvocationId = invocation }, null));

    [Fact]
    public void Negative_tails_and_times_before_1970_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => JournalReader.BuildArguments(new JournalQuery("a.service") { Tail = -1 }, null));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            JournalReader.BuildArguments(new JournalQuery("a.service") { Since = DateTimeOffset.UnixEpoch.AddSeconds(-1) }, null));
    }

    [Fact]
    public async Task Reading_an_empty_journal_ends_without_entries()
    {
        var entries = await new JournalReader(_directory.FullName).ReadAsync(new JournalQuery("a.service")).ToListAsync();

        Assert.Empty(entries);
    }

    [Fact]
    public async Task A_journal_directory_that_does_not_exist_is_an_error()
    {
        var reader = new JournalReader(Path.Combine(_directory.FullName, "missing"));

        var error = await Assert.ThrowsAsync<JournalReadException>(async () => await reader.ReadAsync(new JournalQuery("a.service")).ToListAsync());
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_a_follow_kills_journalctl_and_reaps_it()
    {
        using var cancellation = new CancellationTokenSource();
        var reader = new JournalReader(_directory.FullName);
        await using var entries = reader.ReadAsync(new JournalQuery("a.service") { Follow = true }, cancellation.Token).GetAsyncEnumerator();

        var next = entries.MoveNextAsync().AsTask();
        var journalctl = await WaitForChildAsync(cmdline => cmdline.Contains("--directory=" + _directory.FullName, StringComparison.Ordinal));
        Assert.False(next.IsCompleted, "journalctl --follow ended by itself");

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
        Assert.False(Directory.Exists($"/proc/{journalctl}"), $"journalctl (pid {journalctl}) is still there");
    }

    [Fact]
    public async Task Leaving_the_loop_early_kills_the_whole_process_tree()
    {
        var journalctl = FakeJournalctl(JournalctlGolden.CapturedOutput + "\n", thenHang: true);
        var reader = new JournalReader(journalctl: journalctl);

        var first = default(JournalEntry);
        int[] processes = [];
        await foreach (var entry in reader.ReadAsync(new JournalQuery("a.service") { Follow = true }))
        {
            first = entry;
            var script = await WaitForChildAsync(cmdline => cmdline.Contains(journalctl, StringComparison.Ordinal));
            var sleeper = await WaitForChildAsync(cmdline => cmdline.StartsWith("sleep", StringComparison.Ordinal), parent: script);
            processes = [script, sleeper];
            break;
        }

        Assert.Equal("plain text é ✓", first!.MessageText);
        Assert.Equal(2, processes.Length);
        // The direct child is reaped by the reader; the grandchild got SIGKILL too, and its remains are
        // reaped by init, so for it "not running any more" is what counts.
        Assert.False(Directory.Exists($"/proc/{processes[0]}"), $"process {processes[0]} is still there");
        Assert.True(await StopsRunningAsync(processes[1]), $"process {processes[1]} is still running");
    }

    [Fact]
    public async Task Every_line_of_a_finished_journalctl_is_read()
    {
        var reader = new JournalReader(journalctl: FakeJournalctl(JournalctlGolden.CapturedOutput + "\n", thenHang: false));

        var entries = await reader.ReadAsync(new JournalQuery("a.service")).ToListAsync();

        Assert.Equal(
            ["plain text é ✓", "first line\nsecond line\ttab", "bad utf8 \ufffd\ufffd end", "one", "\u001b[31mred\u001b[0m", ""],
            entries.Select(e => e.MessageText));
    }

    // A stand-in for journalctl that prints the given output; with thenHang it then waits on a child process,
    // like a journalctl --follow would wait for new entries.
    private string FakeJournalctl(string output, bool thenHang)
    {
        var outputPath = Path.Combine(_directory.FullName, "output.jsonl");
        File.WriteAllText(outputPath, output, new UTF8Encoding(false));
        var script = Path.Combine(_directory.FullName, "fake-journalctl");
        File.WriteAllText(script, $"#!/bin/sh\ncat '{outputPath}'\n" + (thenHang ? "sleep 1000 &\nwait\n" : ""));
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    private static async Task<int> WaitForChildAsync(Func<string, bool> commandLine, int? parent = null)
    {
        var parentId = parent ?? Environment.ProcessId;
        var deadline = DateTime.UtcNow + AppearanceDeadline;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var pid in ChildrenOf(parentId))
            {
                if (commandLine(CommandLineOf(pid)))
                {
                    return pid;
                }
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("The child process never appeared.");
    }

    private static async Task<bool> StopsRunningAsync(int pid)
    {
        var deadline = DateTime.UtcNow + AppearanceDeadline;
        while (DateTime.UtcNow < deadline)
        {
            string stat;
            try
            {
                stat = File.ReadAllText($"/proc/{pid}/stat");
            }
            catch (IOException)
            {
                return true; // gone
            }

            if (stat[(stat.LastIndexOf(')') + 2)..][0] is 'Z' or 'X')
            {
                return true; // dead, waiting for its new parent to reap it
            }

            await Task.Delay(20);
        }

        return false;
    }

    private static IEnumerable<int> ChildrenOf(int parent)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue; // exited meanwhile
            }

            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) == parent)
            {
                yield return pid;
            }
        }
    }

    private static string CommandLineOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }
}
