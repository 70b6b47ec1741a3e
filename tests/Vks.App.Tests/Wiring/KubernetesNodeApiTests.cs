using k8s.Models;
using Vks.Actors.Ports;
using Vks.App.Wiring;
using Vks.Node.Kubernetes;

namespace Vks.App.Tests.Wiring;

public sealed class KubernetesNodeApiTests
{
    [Theory]
    [InlineData(NodeRegistrationOutcome.Created)]
    [InlineData(NodeRegistrationOutcome.Updated)]
    public void A_registered_node_yields_its_uid_and_detail(NodeRegistrationOutcome outcome)
    {
        var stored = new V1Node { Metadata = new V1ObjectMeta { Name = "n1", Uid = "uid-1" } };

        var result = KubernetesNodeApi.ToPort(new NodeRegistration(outcome, stored, "taints kept"));

        Assert.Equal(new NodeRegistrationResult("uid-1", "taints kept"), result);
    }

    [Fact]
    public void An_unavailable_api_yields_no_uid()
    {
        var result = KubernetesNodeApi.ToPort(new NodeRegistration(NodeRegistrationOutcome.ApiUnavailable, null, "503"));

        Assert.Equal(new NodeRegistrationResult(null, "503"), result);
    }

    [Fact]
    public void A_registered_node_without_uid_is_refused()
    {
        var stored = new V1Node { Metadata = new V1ObjectMeta { Name = "n1" } };

        Assert.Throws<InvalidOperationException>(() => KubernetesNodeApi.ToPort(new NodeRegistration(NodeRegistrationOutcome.Created, stored)));
    }

    [Theory]
    [InlineData(NodeStatusOutcome.Patched, ApiWriteOutcome.Done)]
    [InlineData(NodeStatusOutcome.NodeMissing, ApiWriteOutcome.Gone)]
    [InlineData(NodeStatusOutcome.ApiUnavailable, ApiWriteOutcome.Unavailable)]
    public void Node_status_outcomes_map(NodeStatusOutcome outcome, ApiWriteOutcome expected)
    {
        var result = KubernetesNodeApi.ToPort(new ApiResult<NodeStatusOutcome>(outcome, "why"));

        Assert.Equal(expected, result.Outcome);
    }

    [Theory]
    [InlineData(LeaseRenewalOutcome.Renewed, ApiWriteOutcome.Done)]
    [InlineData(LeaseRenewalOutcome.Created, ApiWriteOutcome.Done)]
    [InlineData(LeaseRenewalOutcome.Conflict, ApiWriteOutcome.Unavailable)]
    [InlineData(LeaseRenewalOutcome.NodeMissing, ApiWriteOutcome.Gone)]
    [InlineData(LeaseRenewalOutcome.ApiUnavailable, ApiWriteOutcome.Unavailable)]
    public void Lease_outcomes_map(LeaseRenewalOutcome outcome, ApiWriteOutcome expected)
    {
        var result = KubernetesNodeApi.ToPort(new LeaseRenewal(outcome, Detail: "why"));

        Assert.Equal(expected, result.Outcome);
    }

    [Fact]
    public void Failures_keep_their_detail()
    {
        Assert.Equal("gone", KubernetesNodeApi.ToPort(new ApiResult<NodeStatusOutcome>(NodeStatusOutcome.NodeMissing, "gone")).Detail);
        Assert.Equal("busy", KubernetesNodeApi.ToPort(new LeaseRenewal(LeaseRenewalOutcome.Conflict, Detail: "busy")).Detail);
    }

    [Fact]
    public void Every_outcome_is_mapped()
    {
        foreach (var outcome in Enum.GetValues<NodeStatusOutcome>())
        {
            _ = KubernetesNodeApi.ToPort(new ApiResult<NodeStatusOutcome>(outcome));
        }
        foreach (var outcome in Enum.GetValues<LeaseRenewalOutcome>())
        {
            _ = KubernetesNodeApi.ToPort(new LeaseRenewal(outcome));
        }
        Assert.Equal(3, Enum.GetValues<NodeStatusOutcome>().Length);
        Assert.Equal(5, Enum.GetValues<LeaseRenewalOutcome>().Length);
    }
}
