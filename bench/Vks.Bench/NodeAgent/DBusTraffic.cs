// The D-Bus messages vks sends and receives, seen by `dbus-monitor --system --profile` inside the machine (a bus
// monitor sees every message, whoever it is for). dbus-daemon's Debug.Stats cannot count them: its
// IncomingMessages/OutgoingMessages are the current queue lengths, not totals. Three match rules: messages from
// vks's unique name, messages to it, and systemd's broadcast signals (which reach vks through its match rules).
// Each profile line carries the wall-clock time of the message; the machine shares the host's clock, so the
// window is cut by those times and the monitor's own start-up does not count.
using System.Diagnostics;
using System.Globalization;
using Vks.Bench.Testbed;

namespace Vks.Bench.NodeAgent;

internal sealed class DBusTraffic : IAsyncDisposable
{
    private readonly Process _monitor;
    private readonly string _vksName;
    private readonly List<(double Time, string Sender, string Destination, string Line)> _messages = [];
    private readonly Lock _lock = new();
    private readonly Task _reader;

    private DBusTraffic(Process monitor, string vksName)
    {
        _monitor = monitor;
        _vksName = vksName;
        _reader = ReadAsync();
    }

    public static async Task<DBusTraffic> StartAsync(BenchTestbed machine, uint vksPid)
    {
        string vksName = await UniqueNameAsync(machine, vksPid);
        Process monitor = machine.StartInMachine(
            "dbus-monitor", "--system", "--profile",
            $"sender='{vksName}'", $"destination='{vksName}'", "type='signal',sender='org.freedesktop.systemd1'");
        monitor.ErrorDataReceived += (_, _) => { };
        monitor.BeginErrorReadLine();
        await Task.Delay(TimeSpan.FromSeconds(1)); // let it become a monitor before a window begins
        return new DBusTraffic(monitor, vksName);
    }

    public static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>Messages vks sent, messages to vks, and systemd broadcast signals, between two <see cref="Now"/> times.</summary>
    public async Task<(int Sent, int ToVks, int SystemdSignals, IReadOnlyList<string> Samples)> CountAsync(double from, double to)
    {
        await Task.Delay(TimeSpan.FromSeconds(1)); // dbus-monitor writes each message as it comes; give the pipe a moment
        lock (_lock)
        {
            var inWindow = _messages.Where(m => m.Time >= from && m.Time < to).ToList();
            return (inWindow.Count(m => m.Sender == _vksName),
                inWindow.Count(m => m.Destination == _vksName),
                inWindow.Count(m => m.Sender != _vksName && m.Destination != _vksName),
                [.. inWindow.Take(10).Select(m => m.Line)]);
        }
    }

    private async Task ReadAsync()
    {
        while (await _monitor.StandardOutput.ReadLineAsync() is { } line)
        {
            // type  timestamp  serial  sender  destination  path  interface  member
            string[] fields = line.Split('\t');
            if (fields.Length < 5 || !double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double time))
            {
                continue; // the header, and the monitor's own NameAcquired/NameLost
            }

            lock (_lock)
            {
                _messages.Add((time, fields[3], fields[4], line));
            }
        }
    }

    private static async Task<string> UniqueNameAsync(BenchTestbed machine, uint pid)
    {
        // NAME PID PROCESS USER CONNECTION UNIT SESSION DESCRIPTION
        string list = await machine.RunInMachineAsync("busctl", "list", "--unique", "--no-legend", "--no-pager");
        return list.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .FirstOrDefault(fields => fields.Length > 1 && fields[1] == pid.ToString(CultureInfo.InvariantCulture))?[0]
            ?? throw new InvalidOperationException($"No bus connection belongs to pid {pid}.");
    }

    public async ValueTask DisposeAsync()
    {
        _monitor.Kill(entireProcessTree: true);
        await _monitor.WaitForExitAsync();
        await _reader;
        _monitor.Dispose();
    }
}
