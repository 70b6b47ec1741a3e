using System.Net.Sockets;
using System.Text;
using Vks.Systemd.DBus;

namespace Vks.Systemd.Tests.DBus;

/// <summary>A bus that misbehaves: malformed bytes close the connection with a protocol error (never a crash or a
/// hang), pending calls fail cleanly, and a broken handshake is refused.</summary>
public sealed class ProtocolErrorTests : IAsyncLifetime
{
    private FakeBus _bus = null!;

    public Task InitializeAsync()
    {
        _bus = FakeBus.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task Garbage_closes_the_connection_with_a_protocol_error_and_fails_pending_calls()
    {
        (DBusConnection client, Socket server) = await _bus.ConnectClientAsync();
        await using (client)
        using (server)
        {
            Assert.Equal(":1.1", client.UniqueName);
            Task pending = client.CallMethodAsync(DBusConnection.BusName, DBusConnection.BusPath, DBusConnection.BusInterface, "GetId");

            await server.SendAsync("this is not a D-Bus message at all"u8.ToArray());

            DBusConnectionClosedException closed = await client.Closed.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.IsType<DBusProtocolException>(closed.InnerException);
            DBusConnectionClosedException failed = await Assert.ThrowsAsync<DBusConnectionClosedException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Same(closed, failed);
            Assert.False(client.IsConnected);
            await Assert.ThrowsAsync<DBusConnectionClosedException>(() => client.CallMethodAsync(DBusConnection.BusName, DBusConnection.BusPath, DBusConnection.BusInterface, "GetId"));
        }
    }

    [Fact]
    public async Task An_oversized_length_is_refused_before_the_body_arrives()
    {
        (DBusConnection client, Socket server) = await _bus.ConnectClientAsync();
        await using (client)
        using (server)
        {
            // A header announcing a 2 GiB body, and nothing after it: the client must not wait for (or allocate) it.
            await server.SendAsync(new byte[] { (byte)'l', 4, 0, 1, 0xFF, 0xFF, 0xFF, 0x7F, 1, 0, 0, 0, 0, 0, 0, 0 });

            DBusConnectionClosedException closed = await client.Closed.WaitAsync(TimeSpan.FromSeconds(10));
            DBusProtocolException cause = Assert.IsType<DBusProtocolException>(closed.InnerException);
            Assert.Contains("exceeds", cause.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_message_split_across_many_writes_is_reassembled()
    {
        (DBusConnection client, Socket server) = await _bus.ConnectClientAsync();
        await using (client)
        using (server)
        {
            var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            Task<SignalSubscription> subscribing = client.SubscribeAsync(new MatchRule { Member = "Changed" }, m => received.TrySetResult(m.GetBodyReader().ReadString()));
            byte[] addMatch = await FakeBus.ReceiveUntilAsync(server, "AddMatch");
            Message call = Message.Parse(addMatch[..Message.GetMessageLength(addMatch)]);
            await server.SendAsync(Wire.Serialize(new OutgoingHeader(MessageType.MethodReturn, 2) { ReplySerial = call.Serial }, null));
            // Disposed without waiting: this fake bus would never answer the RemoveMatch.
            using SignalSubscription subscription = await subscribing.WaitAsync(TimeSpan.FromSeconds(10));

            byte[] signal = Wire.Signal("s", (ref MessageWriter w) => w.WriteString("split"));
            foreach (byte b in signal)
            {
                await server.SendAsync(new[] { b });
            }

            Assert.Equal("split", await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        }
    }

    [Fact]
    public async Task A_rejected_handshake_is_refused()
    {
        Task<DBusConnection> connecting = DBusConnection.ConnectAsync(_bus.Address);
        using Socket server = await _bus.AcceptAsync();
        await FakeBus.ReceiveUntilAsync(server, "\r\n");
        await server.SendAsync("REJECTED EXTERNAL\r\n"u8.ToArray());
        byte[] anonymous = await FakeBus.ReceiveUntilAsync(server, "\r\n");
        Assert.StartsWith("AUTH ANONYMOUS", Encoding.ASCII.GetString(anonymous), StringComparison.Ordinal);
        await server.SendAsync("REJECTED EXTERNAL\r\n"u8.ToArray());

        DBusProtocolException error = await Assert.ThrowsAsync<DBusProtocolException>(() => connecting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("refused authentication", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endless_handshake_line_is_refused()
    {
        Task<DBusConnection> connecting = DBusConnection.ConnectAsync(_bus.Address);
        using Socket server = await _bus.AcceptAsync();
        await FakeBus.ReceiveUntilAsync(server, "\r\n");
        await server.SendAsync(Encoding.ASCII.GetBytes(new string('A', 20_000)));

        await Assert.ThrowsAsync<DBusProtocolException>(() => connecting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_malformed_guid_is_refused()
    {
        Task<DBusConnection> connecting = DBusConnection.ConnectAsync(_bus.Address);
        using Socket server = await _bus.AcceptAsync();
        await FakeBus.ReceiveUntilAsync(server, "\r\n");
        await server.SendAsync("OK not-a-guid\r\n"u8.ToArray());

        await Assert.ThrowsAsync<DBusProtocolException>(() => connecting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Mutated_messages_from_the_socket_never_crash_or_hang_the_connection()
    {
        const int seed = 77;
        var random = new Random(seed);
        byte[][] corpus = Corpus.Build(random);
        for (int i = 0; i < 150; i++)
        {
            byte[] input = Corpus.Mutate(random, corpus[random.Next(corpus.Length)]);
            bool headerBroken = input.Length >= Message.FixedHeaderLength && Record.Exception(() => Message.GetMessageLength(input)) is not null;

            (DBusConnection client, Socket server) = await _bus.ConnectClientAsync();
            await using (client)
            {
                using (server)
                {
                    await server.SendAsync(input);
                    server.Shutdown(SocketShutdown.Send);

                    Task<DBusConnectionClosedException> closing = client.Closed.WaitAsync(TimeSpan.FromSeconds(10));
                    DBusConnectionClosedException closed = await closing;
                    Exception? cause = closed.InnerException;
                    Assert.True(
                        cause is DBusProtocolException or EndOfStreamException or IOException or SocketException,
                        $"Case {i} (seed {seed}) closed with {cause}");
                    if (headerBroken)
                    {
                        Assert.True(cause is DBusProtocolException, $"Case {i} (seed {seed}): a broken fixed header closed with {cause}");
                    }
                }
            }
        }
    }
}
