namespace Vks.Node.Nodes;

/// <summary>How vks was told to register its node (command-line options and versions).</summary>
/// <param name="NodeName">The Node object's name.</param>
/// <param name="NodeIp">--node-ip; null: the address of the default-route interface.</param>
/// <param name="Taint">Whether the node carries the taint virtual-kubelet.io/provider=vks:NoSchedule (--disable-taint clears it).</param>
/// <param name="MaxPods">--max-pods: the node's pod capacity.</param>
/// <param name="KubeletPort">The port of vks' kubelet API, published as daemonEndpoints.</param>
/// <param name="VksVersion">Reported as kubeletVersion.</param>
/// <param name="SystemdVersion">systemd's version (Manager.Version), reported as containerRuntimeVersion systemd://VERSION.</param>
public sealed record NodeSettings(
    string NodeName,
    string? NodeIp,
    bool Taint,
    int MaxPods,
    int KubeletPort,
    string VksVersion,
    string SystemdVersion)
{
    public const int DefaultMaxPods = 110;
    public const int DefaultKubeletPort = 10250;
}
