// The Node object vks registers: labels, the provider taint, capacity and allocatable from the host, addresses,
// nodeInfo and daemonEndpoints. Conditions come from NodeConditionsBuilder.
using System.Globalization;
using k8s.Models;

namespace Vks.Node.Nodes;

public static class NodeBuilder
{
    public const string TaintKey = "virtual-kubelet.io/provider";
    public const string TaintValue = "vks";

    // kubelet's default hard eviction thresholds, which it also keeps out of allocatable.
    public const long MemoryEvictionThresholdBytes = 100L * 1024 * 1024;
    public const double EphemeralStorageEvictionFraction = 0.10;

    public static V1Node Build(NodeSettings settings, HostFacts facts, IList<V1NodeCondition> conditions)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(facts);
        return new V1Node
        {
            ApiVersion = "v1",
            Kind = "Node",
            Metadata = new V1ObjectMeta
            {
                Name = settings.NodeName,
                Labels = new Dictionary<string, string>
                {
                    ["kubernetes.io/os"] = "linux",
                    ["kubernetes.io/arch"] = facts.Architecture,
                    ["kubernetes.io/hostname"] = facts.Hostname,
                    ["node.kubernetes.io/instance-type"] = "vks",
                    ["type"] = "virtual-kubelet",
                },
            },
            Spec = new V1NodeSpec
            {
                // Keeps DaemonSets of container images (and any pod that does not tolerate it) off the node.
                Taints = settings.Taint ? [new V1Taint { Key = TaintKey, Value = TaintValue, Effect = "NoSchedule" }] : null,
            },
            Status = BuildStatus(settings, facts, conditions),
        };
    }

    public static V1NodeStatus BuildStatus(NodeSettings settings, HostFacts facts, IList<V1NodeCondition> conditions)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(conditions);
        var ephemeralStorage = facts.EphemeralStorageBytes;
        return new V1NodeStatus
        {
            Capacity = Resources(facts.CpuCount, facts.MemoryBytes, ephemeralStorage, settings.MaxPods),
            // Like kubelet: capacity minus the hard eviction thresholds (no system or kube reservations).
            Allocatable = Resources(
                facts.CpuCount,
                Math.Max(0, facts.MemoryBytes - MemoryEvictionThresholdBytes),
                ephemeralStorage - (long)Math.Ceiling(ephemeralStorage * EphemeralStorageEvictionFraction),
                settings.MaxPods),
            Addresses =
            [
                new V1NodeAddress { Type = "InternalIP", Address = InternalIp(settings, facts) },
                new V1NodeAddress { Type = "Hostname", Address = facts.Hostname },
            ],
            NodeInfo = new V1NodeSystemInfo
            {
                MachineID = facts.MachineId,
                BootID = facts.BootId,
                KernelVersion = facts.KernelVersion,
                OsImage = facts.OsImage,
                OperatingSystem = "linux",
                Architecture = facts.Architecture,
                ContainerRuntimeVersion = "systemd://" + settings.SystemdVersion,
                KubeletVersion = settings.VksVersion,
                KubeProxyVersion = "",
                SystemUUID = "",
            },
            DaemonEndpoints = new V1NodeDaemonEndpoints { KubeletEndpoint = new V1DaemonEndpoint { Port = settings.KubeletPort } },
            Conditions = conditions,
        };
    }

    /// <summary>--node-ip, else the default-route interface's address. Without either the node cannot be registered.</summary>
    public static string InternalIp(NodeSettings settings, HostFacts facts)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(facts);
        return settings.NodeIp ?? facts.DefaultRouteAddress
            ?? throw new InvalidOperationException("The host has no IPv4 default route to take the node's address from; pass --node-ip.");
    }

    private static Dictionary<string, ResourceQuantity> Resources(int cpus, long memoryBytes, long storageBytes, int pods) => new()
    {
        ["cpu"] = new ResourceQuantity(cpus.ToString(CultureInfo.InvariantCulture)),
        ["memory"] = new ResourceQuantity(memoryBytes.ToString(CultureInfo.InvariantCulture)),
        ["ephemeral-storage"] = new ResourceQuantity(storageBytes.ToString(CultureInfo.InvariantCulture)),
        ["pods"] = new ResourceQuantity(pods.ToString(CultureInfo.InvariantCulture)),
    };
}
