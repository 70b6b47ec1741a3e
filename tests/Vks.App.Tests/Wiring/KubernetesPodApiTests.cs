using Vks.Actors.Ports;
using Vks.App.Wiring;
using Vks.Node.Kubernetes;

namespace Vks.App.Tests.Wiring;

public sealed class KubernetesPodApiTests
{
    [Theory]
    [InlineData(PodStatusOutcome.Patched, ApiWriteOutcome.Done)]
    [InlineData(PodStatusOutcome.PodGone, ApiWriteOutcome.Gone)]
    [InlineData(PodStatusOutcome.ApiUnavailable, ApiWriteOutcome.Unavailable)]
    public void Status_outcomes_map(PodStatusOutcome outcome, ApiWriteOutcome expected)
    {
        var result = KubernetesPodApi.ToPort(new ApiResult<PodStatusOutcome>(outcome, "why"));

        Assert.Equal(expected, result.Outcome);
    }

    [Theory]
    [InlineData(PodDeleteOutcome.Deleted, ApiWriteOutcome.Done)]
    [InlineData(PodDeleteOutcome.NotFound, ApiWriteOutcome.Done)]
    [InlineData(PodDeleteOutcome.UidMismatch, ApiWriteOutcome.Gone)]
    [InlineData(PodDeleteOutcome.ApiUnavailable, ApiWriteOutcome.Unavailable)]
    public void Delete_outcomes_map(PodDeleteOutcome outcome, ApiWriteOutcome expected)
    {
        var result = KubernetesPodApi.ToPort(new ApiResult<PodDeleteOutcome>(outcome, "why"));

        Assert.Equal(expected, result.Outcome);
    }

    [Fact]
    public void Failures_keep_their_detail()
    {
        Assert.Equal("409 Conflict", KubernetesPodApi.ToPort(new ApiResult<PodStatusOutcome>(PodStatusOutcome.PodGone, "409 Conflict")).Detail);
        Assert.Equal("503", KubernetesPodApi.ToPort(new ApiResult<PodDeleteOutcome>(PodDeleteOutcome.ApiUnavailable, "503")).Detail);
    }

    [Fact]
    public void Every_outcome_is_mapped()
    {
        Assert.All(Enum.GetValues<PodStatusOutcome>(), outcome => KubernetesPodApi.ToPort(new ApiResult<PodStatusOutcome>(outcome)));
        Assert.All(Enum.GetValues<PodDeleteOutcome>(), outcome => KubernetesPodApi.ToPort(new ApiResult<PodDeleteOutcome>(outcome)));
    }
}
