using System.Net.Sockets;
using System.Text;
using Vks.Systemd.Notify;

namespace Vks.Systemd.Tests.Notify;

public sealed class SystemdNotifierTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vks-notify-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Ready_watchdog_status_and_stopping_arrive_as_single_datagrams()
    {
        var path = Path.Combine(_dir, "notify");
        using var listener = Bind(new UnixDomainSocketEndPoint(path));
        using var notifier = new SystemdNotifier(path);

        await notifier.ReadyAsync("synced with systemd and the API");
        await notifier.WatchdogAsync();
        await notifier.StatusAsync("3 pods");
        await notifier.StoppingAsync();

        Assert.Equal("READY=1\nSTATUS=synced with systemd and the API", await ReceiveAsync(listener));
        Assert.Equal("WATCHDOG=1", await ReceiveAsync(listener));
        Assert.Equal("STATUS=3 pods", await ReceiveAsync(listener));
        Assert.Equal("STOPPING=1", await ReceiveAsync(listener));
    }

    [Fact]
    public async Task Abstract_socket_names_are_understood()
    {
        var name = $"vks-notify-test-{Guid.NewGuid():N}";
        using var listener = Bind(new UnixDomainSocketEndPoint("\0" + name));
        using var notifier = new SystemdNotifier("@" + name);

        await notifier.WatchdogAsync();

        Assert.Equal("WATCHDOG=1", await ReceiveAsync(listener));
    }

    [Fact]
    public async Task A_status_cannot_smuggle_in_another_assignment()
    {
        var path = Path.Combine(_dir, "notify");
        using var listener = Bind(new UnixDomainSocketEndPoint(path));
        using var notifier = new SystemdNotifier(path);

        await notifier.StatusAsync("starting\nREADY=1");

        Assert.Equal("STATUS=starting READY=1", await ReceiveAsync(listener));
    }

    [Fact]
    public async Task Without_a_notify_socket_nothing_is_sent_and_nothing_fails()
    {
        using var notifier = new SystemdNotifier(null);

        await notifier.ReadyAsync("ready");

        Assert.False(notifier.IsEnabled);
        Assert.Null(notifier.WatchdogTimeout);
    }

    [Theory]
    [InlineData("30000000", null, 30.0)]
    [InlineData("30000000", "self", 30.0)]
    [InlineData("30000000", "1", null)]
    [InlineData("0", null, null)]
    [InlineData("junk", null, null)]
    [InlineData(null, null, null)]
    public void Watchdog_timeout_follows_sd_watchdog_enabled(string? usec, string? pid, double? expectedSeconds)
    {
        var watchdogPid = pid == "self" ? Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) : pid;

        using var notifier = new SystemdNotifier(null, usec, watchdogPid);

        Assert.Equal(expectedSeconds, notifier.WatchdogTimeout?.TotalSeconds);
    }

    [Fact]
    public void A_relative_notify_socket_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new SystemdNotifier("relative/path"));
    }

    private static Socket Bind(UnixDomainSocketEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(endPoint);
        return socket;
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}
