// A real systemd-journald for tests, started in a private mount namespace with tmpfs over /run and
// /var/log/journal, so it neither sees nor touches the host's journal. The test reaches its socket and
// journal files through /proc/PID/root, the way vks reaches a container's journal. Needs root (to unshare).
using System.Diagnostics;
using System.Text;

namespace Vks.Systemd.Tests.Journal;

internal sealed class PrivateJournald : IAsyncDisposable
{
    // How long journald may take to come up; a ceiling for slow machines, not a measurement.
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);

    private const string Script =
        "mount -t tmpfs tmpfs /run && "
        + "if [ -d /var/log/journal ]; then mount -t tmpfs tmpfs /var/log/journal; fi && "
        + "exec /lib/systemd/systemd-journald";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PrivateJournald(Process process)
    {
        _process = process;
        // Drained continuously so journald can never block on a full pipe.
        _process.OutputDataReceived += (_, line) => Append(line.Data);
        _process.ErrorDataReceived += (_, line) => Append(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private string Root => $"/proc/{_process.Id}/root";

    public string SocketPath => $"{Root}/run/systemd/journal/socket";

    public string JournalDirectory => Directory.GetDirectories($"{Root}/run/log/journal").Single();

    public static async Task<PrivateJournald> StartAsync()
    {
        var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--mount", "--propagation", "private", "--", "sh", "-c", Script })
        {
            start.ArgumentList.Add(argument);
        }

        var journald = new PrivateJournald(Process.Start(start)!);
        var deadline = DateTime.UtcNow + StartDeadline;
        while (!File.Exists(journald.SocketPath) || !Directory.Exists($"{journald.Root}/run/log/journal")
               || Directory.GetDirectories($"{journald.Root}/run/log/journal").Length == 0)
        {
            if (journald._process.HasExited || DateTime.UtcNow > deadline)
            {
                await journald.DisposeAsync();
                string output;
                lock (journald._output)
                {
                    output = journald._output.ToString();
                }

                throw new InvalidOperationException($"systemd-journald did not come up: {output}");
            }

            await Task.Delay(20);
        }

        return journald;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
