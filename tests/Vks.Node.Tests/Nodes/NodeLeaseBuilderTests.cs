using Vks.Node.Nodes;

namespace Vks.Node.Tests.Nodes;

public sealed class NodeLeaseBuilderTests
{
    [Fact]
    public void Builds_a_40_second_lease_held_and_owned_by_the_node()
    {
        var now = new DateTimeOffset(2025, 3, 1, 12, 0, 0, 123, TimeSpan.Zero);

        var lease = NodeLeaseBuilder.Build("vks-1", "node-uid", now);

        Assert.Equal(("vks-1", "kube-node-lease"), (lease.Metadata.Name, lease.Metadata.NamespaceProperty));
        Assert.Equal(("vks-1", 40), (lease.Spec.HolderIdentity, lease.Spec.LeaseDurationSeconds));
        Assert.Equal(now.UtcDateTime, lease.Spec.RenewTime);
        var owner = Assert.Single(lease.Metadata.OwnerReferences);
        Assert.Equal(("v1", "Node", "vks-1", "node-uid"), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid));
        Assert.Equal(TimeSpan.FromSeconds(10), NodeLeaseBuilder.RenewInterval);
    }
}
