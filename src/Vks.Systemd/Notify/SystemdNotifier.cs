// sd_notify(3) for a Type=notify service: READY=1 once vks has synced, WATCHDOG=1 pings, STATUS=
// lines and STOPPING=1. Speaks the protocol directly (one datagram per state change to
// $NOTIFY_SOCKET) because libsystemd is not something we bind to.
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Vks.Systemd.Notify;

public sealed class SystemdNotifier : IDisposable
{
    private readonly Socket? _socket;
    private readonly UnixDomainSocketEndPoint? _endPoint;

    /// <param name="notifySocket">$NOTIFY_SOCKET: a path, or "@name" for an abstract socket; null when not under systemd.</param>
    /// <param name="watchdogUsec">$WATCHDOG_USEC, the watchdog timeout systemd enforces; null when there is none.</param>
    /// <param name="watchdogPid">$WATCHDOG_PID: the watchdog is meant for this pid only, if set.</param>
    public SystemdNotifier(string? notifySocket, string? watchdogUsec = null, string? watchdogPid = null)
    {
        if (!string.IsNullOrEmpty(notifySocket))
        {
            if (notifySocket[0] != '/' && notifySocket[0] != '@')
            {
                throw new ArgumentException($"NOTIFY_SOCKET '{notifySocket}' is neither a path nor an abstract socket name.", nameof(notifySocket));
            }
            _endPoint = new UnixDomainSocketEndPoint(notifySocket[0] == '@' ? "\0" + notifySocket[1..] : notifySocket);
            _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        }
        WatchdogTimeout = ParseWatchdog(watchdogUsec, watchdogPid);
    }

    /// <summary>Reads $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID, as systemd sets them for the service.</summary>
    public static SystemdNotifier FromEnvironment() => new(
        Environment.GetEnvironmentVariable("NOTIFY_SOCKET"),
        Environment.GetEnvironmentVariable("WATCHDOG_USEC"),
        Environment.GetEnvironmentVariable("WATCHDOG_PID"));

    /// <summary>True when running as a Type=notify service (there is a socket to tell).</summary>
    public bool IsEnabled => _socket is not null;

    /// <summary>The watchdog timeout; ping at half of it at the latest (sd_watchdog_enabled(3)).</summary>
    public TimeSpan? WatchdogTimeout { get; }

    public Task ReadyAsync(string status, CancellationToken cancellationToken = default) =>
        SendAsync($"READY=1\nSTATUS={OneLine(status)}", cancellationToken);

    public Task WatchdogAsync(CancellationToken cancellationToken = default) =>
        SendAsync("WATCHDOG=1", cancellationToken);

    public Task StatusAsync(string status, CancellationToken cancellationToken = default) =>
        SendAsync($"STATUS={OneLine(status)}", cancellationToken);

    public Task StoppingAsync(CancellationToken cancellationToken = default) =>
        SendAsync("STOPPING=1", cancellationToken);

    public void Dispose() => _socket?.Dispose();

    private async Task SendAsync(string state, CancellationToken cancellationToken)
    {
        if (_socket is null)
        {
            return;
        }
        await _socket.SendToAsync(Encoding.UTF8.GetBytes(state), SocketFlags.None, _endPoint!, cancellationToken).ConfigureAwait(false);
    }

    // A newline would start another assignment: a status text must not be able to say READY=1.
    private static string OneLine(string status) => status.ReplaceLineEndings(" ");

    private static TimeSpan? ParseWatchdog(string? usec, string? pid)
    {
        if (string.IsNullOrEmpty(usec)
            || !ulong.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var micros) || micros == 0)
        {
            return null;
        }
        if (!string.IsNullOrEmpty(pid)
            && (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var target) || target != Environment.ProcessId))
        {
            return null;
        }
        return TimeSpan.FromMicroseconds(micros);
    }
}
