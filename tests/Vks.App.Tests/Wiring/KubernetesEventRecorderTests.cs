using Vks.Actors.Ports;
using Vks.App.Wiring;
using Vks.Node.Kubernetes;

namespace Vks.App.Tests.Wiring;

public sealed class KubernetesEventRecorderTests
{
    [Theory]
    [InlineData(EventOutcome.Created, ApiWriteOutcome.Done)]
    [InlineData(EventOutcome.Aggregated, ApiWriteOutcome.Done)]
    [InlineData(EventOutcome.Dropped, ApiWriteOutcome.Gone)]
    [InlineData(EventOutcome.ApiUnavailable, ApiWriteOutcome.Unavailable)]
    public void Event_outcomes_map(EventOutcome outcome, ApiWriteOutcome expected)
    {
        var result = KubernetesEventRecorder.ToPort(new ApiResult<EventOutcome>(outcome, "why"));

        Assert.Equal(expected, result.Outcome);
    }

    [Theory]
    [InlineData(KubernetesEventType.Normal, PodEventType.Normal)]
    [InlineData(KubernetesEventType.Warning, PodEventType.Warning)]
    public void Event_types_map(KubernetesEventType type, PodEventType expected) =>
        Assert.Equal(expected, KubernetesEventRecorder.ToEventType(type));

    [Fact]
    public void Every_outcome_is_mapped() =>
        Assert.All(Enum.GetValues<EventOutcome>(), outcome => KubernetesEventRecorder.ToPort(new ApiResult<EventOutcome>(outcome)));
}
