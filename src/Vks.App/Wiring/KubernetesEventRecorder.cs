// IPodEventRecorder over EventRecorder. Dropped (the namespace is gone or terminating) is Gone: there is nowhere
// to write the event to.
using k8s;
using Vks.Actors.Ports;
using Vks.Node.Kubernetes;

namespace Vks.App.Wiring;

internal sealed class KubernetesEventRecorder(EventRecorder recorder) : IPodEventRecorder
{
    public KubernetesEventRecorder(IKubernetes client, string nodeName)
        : this(new EventRecorder(client, nodeName))
    {
    }

    public async Task<ApiWriteResult> RecordAsync(
        PodReference pod, KubernetesEventType type, string reason, string message, string? fieldPath, CancellationToken cancellationToken) =>
        ToPort(await recorder.RecordAsync(pod, ToEventType(type), reason, message, fieldPath, cancellationToken)
            .ConfigureAwait(false));

    internal static PodEventType ToEventType(KubernetesEventType type) => type switch
    {
        KubernetesEventType.Normal => PodEventType.Normal,
        KubernetesEventType.Warning => PodEventType.Warning,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown event type."),
    };

    internal static ApiWriteResult ToPort(ApiResult<EventOutcome> result) => result.Outcome switch
    {
        EventOutcome.Created or EventOutcome.Aggregated => ApiWriteResult.Done,
        EventOutcome.Dropped => new ApiWriteResult(ApiWriteOutcome.Gone, result.Detail),
        EventOutcome.ApiUnavailable => new ApiWriteResult(ApiWriteOutcome.Unavailable, result.Detail),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result.Outcome, "Unknown event outcome."),
    };
}
