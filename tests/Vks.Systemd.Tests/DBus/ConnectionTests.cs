using Vks.Systemd.DBus;

namespace Vks.Systemd.Tests.DBus;

/// <summary>Calls against a real dbus-daemon: the bus driver, a peer of our own, errors, timeouts, cancellation,
/// concurrency, and the handshake variants.</summary>
public sealed class ConnectionTests(PrivateBusFixture fixture) : IClassFixture<PrivateBusFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private PrivateBus Bus => fixture.Bus;

    [Fact]
    public async Task Hello_gives_a_unique_name()
    {
        await using DBusConnection connection = await Bus.ConnectAsync();
        Assert.StartsWith(":1.", connection.UniqueName, StringComparison.Ordinal);
        Assert.Equal(32, connection.ServerGuid.Length);
        Assert.True(connection.IsConnected);
    }

    [Fact]
    public async Task ListNames_and_GetNameOwner_answer()
    {
        await using DBusConnection connection = await Bus.ConnectAsync();

        string[] names = await connection.CallMethodAsync(
            DBusConnection.BusName, DBusConnection.BusPath, DBusConnection.BusInterface, "ListNames", null, null, static (ref Reader r) => r.ReadArrayOfString());
        Assert.Contains("org.freedesktop.DBus", names);
        Assert.Contains(connection.UniqueName, names);

        string owner = await connection.CallMethodAsync(
            DBusConnection.BusName, DBusConnection.BusPath, DBusConnection.BusInterface, "GetNameOwner", "s", static (ref MessageWriter w) => w.WriteString("org.freedesktop.DBus"), static (ref Reader r) => r.ReadString());
        Assert.Equal("org.freedesktop.DBus", owner);
    }

    [Fact]
    public async Task An_error_reply_becomes_a_typed_exception()
    {
        await using DBusConnection connection = await Bus.ConnectAsync();

        DBusErrorException noOwner = await Assert.ThrowsAsync<DBusErrorException>(() => connection.CallMethodAsync(
            DBusConnection.BusName, DBusConnection.BusPath, DBusConnection.BusInterface, "GetNameOwner", "s", static (ref MessageWriter w) => w.WriteString("com.example.Nobody"), static (ref Reader r) => r.ReadString()));
        Assert.Equal("org.freedesktop.DBus.Error.NameHasNoOwner", noOwner.ErrorName);
        Assert.Contains("com.example.Nobody", noOwner.ErrorMessage, StringComparison.Ordinal);

        DBusErrorException unknownService = await Assert.ThrowsAsync<DBusErrorException>(() => connection.CallMethodAsync("com.example.Nobody", "/", "com.example.X", "Y"));
        Assert.Equal("org.freedesktop.DBus.Error.ServiceUnknown", unknownService.ErrorName);

        await using TestPeer peer = await TestPeer.StartAsync(Bus);
        DBusErrorException onPurpose = await Assert.ThrowsAsync<DBusErrorException>(() => connection.CallMethodAsync(peer.Name, TestPeer.ObjectPath, TestPeer.Interface, "Fail"));
        Assert.Equal("com.example.Error.OnPurpose", onPurpose.ErrorName);
        Assert.Equal("failed on purpose", onPurpose.ErrorMessage);

        DBusErrorException thrown = await Assert.ThrowsAsync<DBusErrorException>(() => connection.CallMethodAsync(peer.Name, TestPeer.ObjectPath, TestPeer.Interface, "Throw"));
        Assert.Equal("org.freedesktop.DBus.Error.Failed", thrown.ErrorName);
        Assert.Equal("the handler threw", thrown.ErrorMessage);

        // The connection is still good after errors.
        Assert.Equal("ok", await Echo(connection, peer.Name, "ok"));
    }

    [Fact]
    public async Task A_call_without_a_reply_times_out_and_the_connection_stays_usable()
    {
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using TestPeer peer = await TestPeer.StartAsync(Bus);

        TimeoutException timeout = await Assert.ThrowsAsync<TimeoutException>(() => connection.CallMethodAsync(
            peer.Name, TestPeer.ObjectPath, TestPeer.Interface, "Never", timeout: TimeSpan.FromMilliseconds(200)));
        Assert.Contains("Never", timeout.Message, StringComparison.Ordinal);

        Assert.Equal("still here", await Echo(connection, peer.Name, "still here"));
    }

    [Fact]
    public async Task A_call_can_be_cancelled()
    {
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using TestPeer peer = await TestPeer.StartAsync(Bus);
        using var cancellation = new CancellationTokenSource();

        Task call = connection.CallMethodAsync(peer.Name, TestPeer.ObjectPath, TestPeer.Interface, "Never", cancellationToken: cancellation.Token);
        Assert.False(call.IsCompleted);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Patience));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connection.CallMethodAsync(peer.Name, TestPeer.ObjectPath, TestPeer.Interface, "Never", cancellationToken: cancellation.Token));
    }

    [Fact]
    public async Task A_thousand_concurrent_calls_from_many_threads_each_get_their_own_reply()
    {
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using TestPeer peer = await TestPeer.StartAsync(Bus);

        Task<string>[] calls = Enumerable.Range(0, 1000)
            .Select(i => Task.Run(() => Echo(connection, peer.Name, "call " + i)))
            .ToArray();
        string[] replies = await Task.WhenAll(calls).WaitAsync(Patience);

        Assert.Equal(Enumerable.Range(0, 1000).Select(i => "call " + i), replies);
    }

    [Fact]
    public async Task Calls_beyond_MaxPendingCalls_wait_for_a_turn_so_the_bus_never_refuses_them()
    {
        Assert.Equal(0, await RefusedOf500CallsAsync(maxPendingCalls: 16));
    }

    [Fact]
    public async Task Without_the_limit_the_bus_refuses_calls_beyond_its_own()
    {
        Assert.NotEqual(0, await RefusedOf500CallsAsync(maxPendingCalls: 1000));
    }

    // 500 calls at once on a bus that, like the system bus (128 by default), refuses a connection more than a few
    // calls awaiting replies: here 16. Returns how many it refused with LimitsExceeded.
    private static async Task<int> RefusedOf500CallsAsync(int maxPendingCalls)
    {
        await using PrivateBus strictBus = await PrivateBus.StartAsync(maxRepliesPerConnection: 16);
        await using DBusConnection connection = await strictBus.ConnectAsync(new DBusConnectionOptions { MaxPendingCalls = maxPendingCalls });
        await using TestPeer peer = await TestPeer.StartAsync(strictBus);

        bool[] refused = await Task.WhenAll(Enumerable.Range(0, 500).Select(async i =>
        {
            try
            {
                Assert.Equal("call " + i, await Echo(connection, peer.Name, "call " + i));
                return false;
            }
            catch (DBusErrorException error) when (error.ErrorName == "org.freedesktop.DBus.Error.LimitsExceeded")
            {
                return true;
            }
        })).WaitAsync(Patience);
        return refused.Count(r => r);
    }

    [Fact]
    public async Task A_thousand_concurrent_calls_to_the_bus_driver_complete()
    {
        await using DBusConnection connection = await Bus.ConnectAsync();

        Task<string>[] calls = Enumerable.Range(0, 1000)
            .Select(_ => Task.Run(() => connection.CallMethodAsync(
                DBusConnection.BusName, DBusConnection.BusPath, DBusConnection.BusInterface, "GetId", null, null, static (ref Reader r) => r.ReadString())))
            .ToArray();
        string[] ids = await Task.WhenAll(calls).WaitAsync(Patience);

        Assert.Single(ids.Distinct());
        Assert.Equal(32, ids[0].Length);
    }

    [Fact]
    public async Task Peer_Ping_is_answered_by_every_connection()
    {
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using DBusConnection other = await Bus.ConnectAsync();

        await connection.CallMethodAsync(other.UniqueName, "/", "org.freedesktop.DBus.Peer", "Ping");
        DBusErrorException unknown = await Assert.ThrowsAsync<DBusErrorException>(() => connection.CallMethodAsync(other.UniqueName, "/", "com.example.X", "Y"));
        Assert.Equal("org.freedesktop.DBus.Error.UnknownMethod", unknown.ErrorName);
    }

    [Fact]
    public async Task Mistakes_of_the_caller_are_refused_without_harming_the_connection()
    {
        await using DBusConnection connection = await Bus.ConnectAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => connection.CallMethodAsync(
            DBusConnection.BusName, DBusConnection.BusPath, DBusConnection.BusInterface, "GetNameOwner", "u", static (ref MessageWriter w) => w.WriteString("wrong type")));
        await Assert.ThrowsAsync<ArgumentException>(() => connection.CallMethodAsync(DBusConnection.BusName, "not/a/path", DBusConnection.BusInterface, "GetId"));
        await Assert.ThrowsAsync<ArgumentException>(() => connection.CallMethodAsync(DBusConnection.BusName, DBusConnection.BusPath, DBusConnection.BusInterface, "Get.Id"));

        // A reply read with the wrong types fails that call only.
        await Assert.ThrowsAsync<DBusProtocolException>(() => connection.CallMethodAsync(
            DBusConnection.BusName, DBusConnection.BusPath, DBusConnection.BusInterface, "GetId", null, null, static (ref Reader r) => r.ReadUInt32()));

        Assert.True(connection.IsConnected);
        await connection.CallMethodAsync(DBusConnection.BusName, DBusConnection.BusPath, DBusConnection.BusInterface, "GetId");
    }

    [Fact]
    public async Task Falls_back_to_ANONYMOUS_when_EXTERNAL_is_rejected()
    {
        await using PrivateBus anonymousOnly = await PrivateBus.StartAsync(auth: "ANONYMOUS");
        await using DBusConnection connection = await anonymousOnly.ConnectAsync();
        Assert.StartsWith(":1.", connection.UniqueName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connects_to_an_abstract_socket()
    {
        await using PrivateBus abstractBus = await PrivateBus.StartAsync(abstractSocket: true);
        Assert.Contains("unix:abstract=", abstractBus.Address, StringComparison.Ordinal);
        await using DBusConnection connection = await abstractBus.ConnectAsync();
        Assert.StartsWith(":1.", connection.UniqueName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tries_each_address_of_a_list_in_turn()
    {
        await using DBusConnection connection = await DBusConnection.ConnectAsync("unix:path=/nonexistent/vks/bus;" + Bus.Address).WaitAsync(Patience);
        Assert.True(connection.IsConnected);
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => DBusConnection.ConnectAsync("unix:path=/nonexistent/vks/bus"));
    }

    [Fact]
    public async Task The_system_bus_address_comes_from_DBUS_SYSTEM_BUS_ADDRESS()
    {
        string? saved = Environment.GetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS");
        try
        {
            Environment.SetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS", Bus.Address);
            await using DBusConnection connection = await DBusConnection.ConnectSystemBusAsync().WaitAsync(Patience);
            Assert.True(connection.IsConnected);
        }
        finally
        {
            Environment.SetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS", saved);
        }
    }

    [Fact]
    public async Task Disposing_fails_pending_calls_and_completes_Closed()
    {
        DBusConnection connection = await Bus.ConnectAsync();
        await using TestPeer peer = await TestPeer.StartAsync(Bus);
        Task pending = connection.CallMethodAsync(peer.Name, TestPeer.ObjectPath, TestPeer.Interface, "Never");

        await connection.DisposeAsync();

        await Assert.ThrowsAsync<DBusConnectionClosedException>(() => pending.WaitAsync(Patience));
        DBusConnectionClosedException closed = await connection.Closed.WaitAsync(Patience);
        Assert.Null(closed.InnerException);
        Assert.False(connection.IsConnected);
    }

    internal static Task<string> Echo(IDBusConnection connection, string peer, string text) =>
        connection.CallMethodAsync(peer, TestPeer.ObjectPath, TestPeer.Interface, "Echo", "s", (ref MessageWriter w) => w.WriteString(text), static (ref Reader r) => r.ReadString());
}
