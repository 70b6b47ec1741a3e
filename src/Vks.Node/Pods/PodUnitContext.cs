namespace Vks.Node.Pods;

/// <summary>Host facts the translator needs, looked up by the caller (the translation itself does no I/O).</summary>
public sealed class PodUnitContext
{
    /// <summary>The value of HOSTNAME: the node's host name, since containers share the host's UTS namespace.</summary>
    public required string Hostname { get; init; }

    /// <summary>KUBERNETES_SERVICE_HOST: the API server vks itself uses (pods cannot reach a ClusterIP without kube-proxy).</summary>
    public required string ApiServerHost { get; init; }

    /// <summary>KUBERNETES_SERVICE_PORT.</summary>
    public required int ApiServerPort { get; init; }

    /// <summary>
    /// The text of the systemd service unit the image's package ships, or null when it ships none (or the image is a
    /// binary path). Used only when the container has no command.
    /// </summary>
    public string? PackageUnitFile { get; init; }

    /// <summary>
    /// Looks up a bare executable name (a command such as "sh") and returns its absolute path, or null when there is
    /// no such executable. The caller decides the search path.
    /// </summary>
    public required Func<string, string?> ResolveExecutable { get; init; }

    /// <summary>RestartSec= for restarting containers: the current crash-loop back-off (see <see cref="CrashLoopBackoff"/>).</summary>
    public TimeSpan RestartDelay { get; init; } = CrashLoopBackoff.InitialDelay;
}
