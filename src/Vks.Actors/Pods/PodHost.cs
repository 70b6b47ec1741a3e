namespace Vks.Actors.Pods;

/// <summary>What the containers of this node see of it; fixed while vks runs.</summary>
/// <param name="Hostname">HOSTNAME of every container (they share the host's UTS namespace).</param>
/// <param name="NodeIp">The node's InternalIP: every pod's hostIP and podIP (containers use the host network).</param>
/// <param name="ApiServerHost">KUBERNETES_SERVICE_HOST: the API server vks itself uses.</param>
/// <param name="ApiServerPort">KUBERNETES_SERVICE_PORT.</param>
/// <param name="ResolveExecutable">Finds a bare command name on the node (<see cref="Units.ExecutableSearchPath"/>).</param>
public sealed record PodHost(string Hostname, string NodeIp, string ApiServerHost, int ApiServerPort, Func<string, string?> ResolveExecutable);
