using Vks.Actors.Packages;
using Vks.Actors.Ports;
using Vks.Actors.Units;
using Vks.Node.Nodes;
using Vks.Systemd.Manager;
using Vks.Systemd.Units;

namespace Vks.Actors.Node;

/// <summary>How the node registers, and what its containers are told about the API server.</summary>
/// <param name="ApiServerHost">KUBERNETES_SERVICE_HOST of every container: the API server vks itself uses.</param>
/// <param name="ApiServerPort">KUBERNETES_SERVICE_PORT.</param>
public sealed record NodeSupervisorSettings(NodeSettings Node, string ApiServerHost, int ApiServerPort)
{
    /// <summary>Finds a bare command name on the node; the real search path unless a test says otherwise.</summary>
    public Func<string, string?> ResolveExecutable { get; init; } = ExecutableSearchPath.Resolve;
}

/// <summary>Everything the actors reach outside the process through: systemd, the unit-file directory, apt, the API
/// server and the host. Vks.App wires these to the real adapters; tests to in-memory fakes.</summary>
public sealed record NodePorts(
    ISystemdManager Systemd,
    UnitFileStore UnitFiles,
    IPackageInstaller Packages,
    INodeApi NodeApi,
    IPodFeed PodFeed,
    IPodApi PodApi,
    IPodEventRecorder Events,
    IHostFactsSource Host);
