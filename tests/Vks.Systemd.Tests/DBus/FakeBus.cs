using System.Net.Sockets;
using System.Text;
using Vks.Systemd.DBus;

namespace Vks.Systemd.Tests.DBus;

/// <summary>A hostile stand-in for a bus on a Unix socket: it speaks just enough SASL, answers Hello, and then
/// sends whatever bytes a test chooses, which a real dbus-daemon never would.</summary>
public sealed class FakeBus : IAsyncDisposable
{
    public const string Guid = "0123456789abcdef0123456789abcdef";

    private readonly string _directory;
    private readonly Socket _listener;

    private FakeBus(string directory, Socket listener)
    {
        _directory = directory;
        _listener = listener;
    }

    public string Address => "unix:path=" + Path.Combine(_directory, "bus");

    public static FakeBus Start()
    {
        string directory = Directory.CreateTempSubdirectory("vks-fakebus-").FullName;
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(Path.Combine(directory, "bus")));
        listener.Listen();
        return new FakeBus(directory, listener);
    }

    /// <summary>Connects a real client and completes its handshake; returns it with the server's end.</summary>
    public async Task<(DBusConnection Client, Socket Server)> ConnectClientAsync(DBusConnectionOptions? options = null)
    {
        Task<DBusConnection> connecting = DBusConnection.ConnectAsync(Address, options);
        Socket server = await _listener.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(10));
        byte[] auth = await ReceiveUntilAsync(server, "\r\n");
        Assert.StartsWith("\0AUTH EXTERNAL ", Encoding.ASCII.GetString(auth), StringComparison.Ordinal);
        await server.SendAsync(Encoding.ASCII.GetBytes($"OK {Guid}\r\n"));
        byte[] received = await ReceiveUntilAsync(server, "BEGIN\r\n", extraMessage: true);

        int helloStart = received.AsSpan().IndexOf("BEGIN\r\n"u8) + 7;
        Message hello = Message.Parse(received[helloStart..]);
        Assert.Equal("Hello", hello.Member);
        await server.SendAsync(Wire.Serialize(
            new OutgoingHeader(MessageType.MethodReturn, 1) { ReplySerial = hello.Serial, Destination = ":1.1", Signature = "s" },
            (ref MessageWriter w) => w.WriteString(":1.1")));
        return (await connecting.WaitAsync(TimeSpan.FromSeconds(10)), server);
    }

    /// <summary>Accepts the next client without answering anything, for tests that script the handshake.</summary>
    public Task<Socket> AcceptAsync() => _listener.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await Task.Yield();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Receives until <paramref name="marker"/> has arrived (and, with <paramref name="extraMessage"/>,
    /// one whole message after it, which is how BEGIN and Hello arrive).</summary>
    public static async Task<byte[]> ReceiveUntilAsync(Socket socket, string marker, bool extraMessage = false)
    {
        byte[] markerBytes = Encoding.ASCII.GetBytes(marker);
        var received = new List<byte>();
        byte[] chunk = new byte[4096];
        while (true)
        {
            byte[] soFar = [.. received];
            int at = soFar.AsSpan().IndexOf(markerBytes);
            if (at >= 0)
            {
                int after = at + markerBytes.Length;
                if (!extraMessage)
                {
                    return soFar;
                }

                if (soFar.Length - after >= Message.FixedHeaderLength && soFar.Length - after >= Message.GetMessageLength(soFar.AsSpan(after)))
                {
                    return soFar;
                }
            }

            int count = await socket.ReceiveAsync(chunk).WaitAsync(TimeSpan.FromSeconds(10));
            if (count == 0)
            {
                throw new EndOfStreamException("The client closed the connection.");
            }

            received.AddRange(chunk.AsSpan(0, count));
        }
    }
}
