using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Vks.Systemd.DBus;

/// <summary>The client side of the D-Bus SASL handshake: EXTERNAL with our effective uid (the bus checks it
/// against the socket's peer credentials), ANONYMOUS if the server rejects that, then BEGIN. The server is
/// hostile until proven otherwise: lines are bounded, and anything but the expected replies is a protocol error.</summary>
internal static partial class SaslAuthenticator
{
    private const int MaxLineLength = 16 * 1024;

    /// <summary>Authenticates and sends BEGIN; returns the server's GUID. After this the socket carries messages.</summary>
    public static async Task<string> AuthenticateAsync(Socket socket, CancellationToken cancellationToken)
    {
        var lines = new LineReader(socket);

        // The protocol starts with one NUL byte (on some systems it carries credentials).
        string uid = GetEffectiveUserId().ToString(CultureInfo.InvariantCulture);
        await SendAsync(socket, "\0AUTH EXTERNAL " + Convert.ToHexStringLower(Encoding.ASCII.GetBytes(uid)) + "\r\n", cancellationToken).ConfigureAwait(false);
        string reply = await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false);

        if (reply.StartsWith("REJECTED", StringComparison.Ordinal) || reply.StartsWith("ERROR", StringComparison.Ordinal))
        {
            // ANONYMOUS carries an optional trace string; libdbus sends its name and version the same way.
            await SendAsync(socket, "AUTH ANONYMOUS " + Convert.ToHexStringLower("vks"u8) + "\r\n", cancellationToken).ConfigureAwait(false);
            reply = await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!reply.StartsWith("OK ", StringComparison.Ordinal))
        {
            throw new DBusProtocolException($"The bus refused authentication: '{reply}'.");
        }

        string guid = reply[3..];
        if (guid.Length != 32 || !guid.All(char.IsAsciiHexDigit))
        {
            throw new DBusProtocolException($"The bus sent a malformed GUID '{guid}'.");
        }

        await SendAsync(socket, "BEGIN\r\n", cancellationToken).ConfigureAwait(false);
        return guid;
    }

    private static async Task SendAsync(Socket socket, string line, CancellationToken cancellationToken)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(line);
        int sent = 0;
        while (sent < bytes.Length)
        {
            sent += await socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    /// <summary>Reads CRLF-terminated lines. The server speaks only in reply to us, so bytes after a line are a
    /// protocol error rather than something to keep for later.</summary>
    private sealed class LineReader(Socket socket)
    {
        private readonly byte[] _buffer = new byte[MaxLineLength];

        public async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            int filled = 0;
            while (true)
            {
                int received = await socket.ReceiveAsync(_buffer.AsMemory(filled), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (received == 0)
                {
                    throw new DBusProtocolException("The bus closed the connection during authentication.");
                }

                filled += received;
                int end = _buffer.AsSpan(0, filled).IndexOf("\r\n"u8);
                if (end >= 0)
                {
                    if (end + 2 != filled)
                    {
                        throw new DBusProtocolException("The bus sent data after an authentication reply.");
                    }

                    ReadOnlySpan<byte> line = _buffer.AsSpan(0, end);
                    if (!Ascii.IsValid(line))
                    {
                        throw new DBusProtocolException("The bus sent a non-ASCII authentication line.");
                    }

                    return Encoding.ASCII.GetString(line);
                }

                if (filled == _buffer.Length)
                {
                    throw new DBusProtocolException($"An authentication line from the bus exceeds {MaxLineLength} bytes.");
                }
            }
        }
    }
}
