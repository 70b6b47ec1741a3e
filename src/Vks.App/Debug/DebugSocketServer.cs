// Serves the live actor tree on /run/vks/debug.sock for `vks debug dump`. Only root may connect: the directory is
// 0700 and the socket 0600, both owned by the daemon (root). One client is served at a time, each within a bounded
// time, so a client that never reads cannot hold the socket.
using System.Net.Sockets;
using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vks.Actors;
using Vks.Actors.Debug;

namespace Vks.App.Debug;

/// <param name="kubeletApiStatus">The kubelet API's state for the dump; null when there is none to show.</param>
internal sealed partial class DebugSocketServer(
    IRequiredActor<NodeSupervisorMarker> supervisor, string socketPath, ILogger<DebugSocketServer> logger, Func<string>? kubeletApiStatus = null)
    : BackgroundService
{
    // The supervisor waits DumpProtocol.ChildTimeout for each layer (pods, then their units); leave room for both.
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var listener = Listen(socketPath);
        LogListening(socketPath);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                using var client = await listener.AcceptAsync(stoppingToken).ConfigureAwait(false);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(ClientTimeout);
                await ServeAsync(client, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // the host is stopping
        }
        finally
        {
            File.Delete(socketPath);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        try
        {
            var actor = await supervisor.GetAsync(cancellationToken).ConfigureAwait(false);
            var dump = await actor.Ask<DumpProtocol.NodeDump>(DumpProtocol.DumpState.Instance, AskTimeout, cancellationToken).ConfigureAwait(false);
            dump = dump with { KubeletApi = kubeletApiStatus?.Invoke() };
            await using var stream = new NetworkStream(client, ownsSocket: false);
            await JsonSerializer.SerializeAsync(stream, dump, DumpJson.Default.NodeDump, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AskTimeoutException or SocketException or IOException
                                      || (e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // A dump that fails is the client's problem to report (it sees the connection close without a dump),
            // never a reason to stop serving.
            LogServeFailed(e.Message);
        }
    }

    /// <summary>Binds the socket in a 0700 directory, mode 0600. A socket left by an earlier run is replaced.</summary>
    internal static Socket Listen(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))
            ?? throw new ArgumentException($"The debug socket '{path}' has no directory.", nameof(path));
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // CreateDirectory leaves an existing directory's mode alone; tighten it, whoever made it.
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Delete(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            socket.Listen(backlog: 8);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving the actor dump on {Path}")]
    private partial void LogListening(string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A debug dump failed: {Reason}")]
    private partial void LogServeFailed(string reason);
}
