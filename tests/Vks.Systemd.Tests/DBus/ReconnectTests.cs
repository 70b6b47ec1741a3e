using System.Threading.Channels;
using Vks.Systemd.DBus;

namespace Vks.Systemd.Tests.DBus;

/// <summary>The bus dies and comes back: each test has its own dbus-daemon, kills it with SIGKILL and starts a new
/// one on the same socket, as a crash or a restart of the system bus would.</summary>
public sealed class ReconnectTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly ReconnectOptions FastBackoff = new() { InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(200) };

    [Fact]
    public async Task Killing_the_bus_fails_a_call_in_flight_and_completes_Closed()
    {
        await using PrivateBus bus = await PrivateBus.StartAsync();
        await using DBusConnection client = await bus.ConnectAsync();
        await using TestPeer peer = await TestPeer.StartAsync(bus);
        Task pending = client.CallMethodAsync(peer.Name, TestPeer.ObjectPath, TestPeer.Interface, "Never", timeout: Timeout.InfiniteTimeSpan);

        await bus.KillAsync();

        DBusConnectionClosedException failed = await Assert.ThrowsAsync<DBusConnectionClosedException>(() => pending.WaitAsync(Patience));
        DBusConnectionClosedException closed = await client.Closed.WaitAsync(Patience);
        Assert.Same(closed, failed);
        Assert.True(closed.InnerException is EndOfStreamException or IOException, $"closed because of {closed.InnerException}");
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Reconnects_after_a_bus_restart_with_every_match_re_added()
    {
        await using PrivateBus bus = await PrivateBus.StartAsync();
        await using var connection = new ReconnectingDBusConnection(bus.Address, reconnect: FastBackoff);
        DBusConnection first = await connection.GetConnectionAsync().WaitAsync(Patience);
        var connected = Channel.CreateUnbounded<DBusConnection>();
        var disconnected = new TaskCompletionSource<DBusConnectionClosedException>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Connected += c => connected.Writer.TryWrite(c);
        connection.Disconnected += reason => disconnected.TrySetResult(reason);

        var received = Channel.CreateUnbounded<string>();
        var rule = new MatchRule { Interface = "com.example.Ticker", Member = "Say" };
        await using SignalSubscription subscription = await connection.SubscribeAsync(rule, message => received.Writer.TryWrite(message.GetBodyReader().ReadString()));
        await using (DBusConnection emitter = await bus.ConnectAsync())
        {
            Say(emitter, "before");
            Assert.Equal("before", await received.Reader.ReadAsync().AsTask().WaitAsync(Patience));
        }

        await bus.KillAsync();
        await disconnected.Task.WaitAsync(Patience);
        await bus.RestartAsync();
        DBusConnection second = await connected.Reader.ReadAsync().AsTask().WaitAsync(Patience);

        Assert.NotSame(first, second);
        string reAdded = Assert.Single(await BusDriver.MatchRulesOfAsync(second, second.UniqueName));
        Assert.Contains("member='Say'", reAdded, StringComparison.Ordinal);
        await using (DBusConnection emitter = await bus.ConnectAsync())
        {
            Say(emitter, "after");
            Assert.Equal("after", await received.Reader.ReadAsync().AsTask().WaitAsync(Patience));
        }

        Assert.False(subscription.Completion.IsCompleted);
        string id = await connection.CallMethodAsync(DBusConnection.BusName, DBusConnection.BusPath, DBusConnection.BusInterface, "GetId", null, null, static (ref Reader r) => r.ReadString());
        Assert.Equal(32, id.Length);
    }

    [Fact]
    public async Task A_call_made_while_disconnected_waits_for_the_next_connection()
    {
        await using PrivateBus bus = await PrivateBus.StartAsync();
        await using var connection = new ReconnectingDBusConnection(bus.Address, reconnect: FastBackoff);
        await connection.GetConnectionAsync().WaitAsync(Patience);
        var disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Disconnected += _ => disconnected.TrySetResult();

        await bus.KillAsync();
        await disconnected.Task.WaitAsync(Patience);
        Task<string> call = connection.CallMethodAsync(DBusConnection.BusName, DBusConnection.BusPath, DBusConnection.BusInterface, "GetId", null, null, static (ref Reader r) => r.ReadString());
        Assert.False(call.IsCompleted);

        await bus.RestartAsync();

        Assert.Equal(32, (await call.WaitAsync(Patience)).Length);
    }

    [Fact]
    public async Task A_call_in_flight_when_the_bus_dies_fails_and_is_not_retried()
    {
        await using PrivateBus bus = await PrivateBus.StartAsync();
        await using var connection = new ReconnectingDBusConnection(bus.Address, reconnect: FastBackoff);
        await connection.GetConnectionAsync().WaitAsync(Patience);
        await using TestPeer peer = await TestPeer.StartAsync(bus);
        Task pending = connection.CallMethodAsync(peer.Name, TestPeer.ObjectPath, TestPeer.Interface, "Never", timeout: Timeout.InfiniteTimeSpan);

        await bus.KillAsync();

        await Assert.ThrowsAsync<DBusConnectionClosedException>(() => pending.WaitAsync(Patience));
    }

    [Fact]
    public async Task Disposing_stops_subscriptions_and_refuses_further_calls()
    {
        await using PrivateBus bus = await PrivateBus.StartAsync();
        var connection = new ReconnectingDBusConnection(bus.Address, reconnect: FastBackoff);
        SignalSubscription subscription = await connection.SubscribeAsync(new MatchRule { Member = "Say" }, _ => { });

        await connection.DisposeAsync();

        await subscription.Completion.WaitAsync(Patience);
        await connection.Completion.WaitAsync(Patience);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => connection.CallMethodAsync(DBusConnection.BusName, DBusConnection.BusPath, DBusConnection.BusInterface, "GetId"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => connection.SubscribeAsync(new MatchRule { Member = "Say" }, _ => { }));
    }

    [Fact]
    public async Task An_event_handler_that_throws_stops_the_loop_visibly()
    {
        await using PrivateBus bus = await PrivateBus.StartAsync();
        await using var connection = new ReconnectingDBusConnection(bus.Address, reconnect: FastBackoff);
        await connection.GetConnectionAsync().WaitAsync(Patience);
        connection.Disconnected += _ => throw new InvalidOperationException("handler bug");

        await bus.KillAsync();

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => connection.Completion.WaitAsync(Patience));
        Assert.Equal("handler bug", error.Message);
        DBusConnectionClosedException refused = await Assert.ThrowsAsync<DBusConnectionClosedException>(() => connection.CallMethodAsync(DBusConnection.BusName, DBusConnection.BusPath, DBusConnection.BusInterface, "GetId"));
        Assert.Same(error, refused.InnerException);
    }

    private static void Say(DBusConnection emitter, string text) =>
        emitter.EmitSignal("/com/example/Ticker", "com.example.Ticker", "Say", "s", (ref MessageWriter w) => w.WriteString(text));
}
