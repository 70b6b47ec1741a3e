// The client side of `vks debug dump`: connect, read the daemon's JSON until it closes, bounded in size.
using System.Net.Sockets;
using System.Text;

namespace Vks.App.Debug;

internal static class DebugDumpClient
{
    /// <summary>The dump as the daemon wrote it (JSON).</summary>
    /// <exception cref="DebugDumpException">The daemon could not be reached, or sent nothing usable.</exception>
    public static async Task<string> ReadAsync(string socketPath, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new DebugDumpException(e.SocketErrorCode switch
            {
                SocketError.AccessDenied => $"Permission denied on {socketPath}: the debug socket is for root only.",
                SocketError.AddressNotAvailable or SocketError.ConnectionRefused => $"vks is not running (nothing listens on {socketPath}).",
                _ => $"Cannot connect to {socketPath}: {e.Message}",
            }, e);
        }

        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > DebugSocket.MaxDumpBytes)
            {
                throw new DebugDumpException($"The dump from {socketPath} is larger than {DebugSocket.MaxDumpBytes} bytes.");
            }
            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            throw new DebugDumpException("vks closed the debug socket without a dump (see its log: the actors did not answer in time).");
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}

/// <summary>`vks debug dump` failed for a reason the user can act on; the message says which.</summary>
internal sealed class DebugDumpException : Exception
{
    public DebugDumpException(string message)
        : base(message)
    {
    }

    public DebugDumpException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
