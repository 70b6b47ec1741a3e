using k8s.Models;
using Vks.Node.Nodes;

namespace Vks.Node.Tests.Nodes;

public sealed class NodeBuilderTests
{
    private static readonly HostFacts Facts = new(
        Hostname: "host-1",
        DefaultRouteAddress: "192.168.1.20",
        CpuCount: 4,
        MemoryBytes: 8L * 1024 * 1024 * 1024,
        EphemeralStorageBytes: 100_000_000_000,
        MachineId: "0f6b2f4e52a84c4b9d6c3b7e1f0a9c11",
        BootId: "5b1c3f0e-8a2d-4c4e-9f3a-2e6d7c8b9a01",
        KernelVersion: "6.1.0-18-amd64",
        OsImage: "Debian GNU/Linux 12 (bookworm)",
        Architecture: "amd64");

    private static readonly NodeSettings Settings = new("vks-1", NodeIp: null, Taint: true, MaxPods: 110, KubeletPort: 10250, VksVersion: "v0.4.0", SystemdVersion: "252");

    [Fact]
    public void Registers_the_node_with_labels_taint_and_endpoints()
    {
        var node = NodeBuilder.Build(Settings, Facts, []);

        Assert.Equal("vks-1", node.Metadata.Name);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["kubernetes.io/os"] = "linux",
                ["kubernetes.io/arch"] = "amd64",
                ["kubernetes.io/hostname"] = "host-1",
                ["node.kubernetes.io/instance-type"] = "vks",
                ["type"] = "virtual-kubelet",
            },
            node.Metadata.Labels);
        var taint = Assert.Single(node.Spec.Taints);
        Assert.Equal(("virtual-kubelet.io/provider", "vks", "NoSchedule"), (taint.Key, taint.Value, taint.Effect));
        Assert.Equal(10250, node.Status.DaemonEndpoints.KubeletEndpoint.Port);
    }

    [Fact]
    public void Disable_taint_leaves_the_node_untainted() =>
        Assert.Null(NodeBuilder.Build(Settings with { Taint = false }, Facts, []).Spec.Taints);

    [Fact]
    public void Reports_capacity_and_allocatable_less_the_eviction_thresholds()
    {
        var status = NodeBuilder.BuildStatus(Settings, Facts, []);

        Assert.Equal(
            new Dictionary<string, decimal> { ["cpu"] = 4, ["memory"] = 8589934592, ["ephemeral-storage"] = 100000000000, ["pods"] = 110 },
            status.Capacity.ToDictionary(r => r.Key, r => r.Value.ToDecimal()));
        // memory less 100Mi, ephemeral-storage less 10%.
        Assert.Equal(
            new Dictionary<string, decimal> { ["cpu"] = 4, ["memory"] = 8485076992, ["ephemeral-storage"] = 90000000000, ["pods"] = 110 },
            status.Allocatable.ToDictionary(r => r.Key, r => r.Value.ToDecimal()));
    }

    [Fact]
    public void Reports_addresses_and_node_info()
    {
        var status = NodeBuilder.BuildStatus(Settings, Facts, []);

        Assert.Equal([("InternalIP", "192.168.1.20"), ("Hostname", "host-1")], status.Addresses.Select(a => (a.Type, a.Address)));
        Assert.Equal(
            ("0f6b2f4e52a84c4b9d6c3b7e1f0a9c11", "5b1c3f0e-8a2d-4c4e-9f3a-2e6d7c8b9a01", "6.1.0-18-amd64", "Debian GNU/Linux 12 (bookworm)", "linux", "amd64", "systemd://252", "v0.4.0"),
            (status.NodeInfo.MachineID, status.NodeInfo.BootID, status.NodeInfo.KernelVersion, status.NodeInfo.OsImage,
                status.NodeInfo.OperatingSystem, status.NodeInfo.Architecture, status.NodeInfo.ContainerRuntimeVersion, status.NodeInfo.KubeletVersion));
    }

    [Fact]
    public void Node_ip_overrides_the_default_route_address_and_one_of_them_is_needed()
    {
        Assert.Equal("10.1.2.3", NodeBuilder.InternalIp(Settings with { NodeIp = "10.1.2.3" }, Facts));
        Assert.Equal("192.168.1.20", NodeBuilder.InternalIp(Settings, Facts));
        var error = Assert.Throws<InvalidOperationException>(() => NodeBuilder.InternalIp(Settings, Facts with { DefaultRouteAddress = null }));
        Assert.Contains("--node-ip", error.Message, StringComparison.Ordinal);
    }
}
