// When a re-registered Node's taints differ from the wanted ones (NodeRestriction lets a node not change them), the
// registration says so; the node lifecycle controller's own taints are no such difference.
using k8s.Models;
using Vks.Node.Kubernetes;

namespace Vks.Node.Tests.Kubernetes;

public sealed class NodeTaintsNoticeTests
{
    private static readonly V1Taint VksTaint = new() { Key = "virtual-kubelet.io/provider", Value = "vks", Effect = "NoSchedule" };

    private static V1Node Node(params V1Taint[] taints) => new() { Spec = new V1NodeSpec { Taints = taints } };

    [Fact]
    public void Says_nothing_when_the_taints_are_the_wanted_ones() =>
        Assert.Null(NodeRegistrar.TaintsNotice(Node(VksTaint), Node(VksTaint)));

    [Fact]
    public void Names_both_sets_when_the_stored_taints_differ()
    {
        var notice = NodeRegistrar.TaintsNotice(Node(), Node(VksTaint));

        Assert.NotNull(notice);
        Assert.Contains("keeps its taints [virtual-kubelet.io/provider=vks:NoSchedule] instead of []", notice, StringComparison.Ordinal);
    }

    [Fact]
    public void Ignores_the_node_lifecycle_controllers_taints()
    {
        var stored = Node(
            VksTaint,
            new V1Taint { Key = "node.kubernetes.io/unreachable", Effect = "NoSchedule" },
            new V1Taint { Key = "node.kubernetes.io/not-ready", Effect = "NoExecute" });

        Assert.Null(NodeRegistrar.TaintsNotice(Node(VksTaint), stored));
    }
}
