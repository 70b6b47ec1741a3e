// READY=1, WATCHDOG=1 and STOPPING=1 as systemd would receive them: a real datagram socket stands in for
// $NOTIFY_SOCKET.
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Vks.Actors.Node;
using Vks.App.Daemon;
using Vks.Systemd.Notify;

namespace Vks.App.Tests.Daemon;

public sealed class SystemdNotificationTests : IDisposable
{
    private static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(10);
    private readonly string _path = Path.Combine(Path.GetTempPath(), "vks-notify-" + Guid.NewGuid().ToString("N") + ".sock");
    private readonly Socket _systemd = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);

    public SystemdNotificationTests() => _systemd.Bind(new UnixDomainSocketEndPoint(_path));

    public void Dispose()
    {
        _systemd.Dispose();
        File.Delete(_path);
    }

    [Fact]
    public async Task NodeSynced_on_the_event_stream_sends_ready()
    {
        using var notifier = new SystemdNotifier(_path);
        using var system = ActorSystem.Create("readiness-tests");
        var readiness = system.ActorOf(ReadinessNotifier.Props(notifier));
        system.EventStream.Subscribe(readiness, typeof(NodeProtocol.NodeSynced));

        system.EventStream.Publish(new NodeProtocol.NodeSynced("worker-1"));

        Assert.Equal("READY=1\nSTATUS=node worker-1 synced", await ReceiveAsync());
        await system.Terminate();
    }

    [Fact]
    public async Task The_watchdog_is_pinged_and_stopping_is_announced()
    {
        using var notifier = new SystemdNotifier(_path, watchdogUsec: "200000");
        using var pinger = new WatchdogPinger(notifier);

        await pinger.StartAsync(CancellationToken.None);
        Assert.Equal("WATCHDOG=1", await ReceiveAsync());
        Assert.Equal("WATCHDOG=1", await ReceiveAsync()); // and again, from the timer
        await pinger.StopAsync(CancellationToken.None);

        Assert.Equal("STOPPING=1", await ReceiveUntilAsync(message => message != "WATCHDOG=1"));
    }

    [Fact]
    public async Task Without_a_watchdog_only_stopping_is_sent()
    {
        using var notifier = new SystemdNotifier(_path);
        using var pinger = new WatchdogPinger(notifier);

        await pinger.StartAsync(CancellationToken.None);
        await pinger.StopAsync(CancellationToken.None);

        Assert.Equal("STOPPING=1", await ReceiveAsync());
    }

    private async Task<string> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(ReceiveTimeout);
        var buffer = new byte[4096];
        var length = await _systemd.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    private async Task<string> ReceiveUntilAsync(Func<string, bool> wanted)
    {
        while (true)
        {
            var message = await ReceiveAsync();
            if (wanted(message))
            {
                return message;
            }
        }
    }
}
