using Microsoft.Extensions.Logging;

namespace Vks.Node.KubeletApi.Server;

/// <summary>Hands the kubelet API's loggers to the daemon's logger factory (Serilog in vks), so its lines land in the
/// same journal with the same format; the web host's own filters still apply first.</summary>
internal sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);

    public void Dispose()
    {
        // The target belongs to the daemon, which disposes it.
    }
}
