// IPodApi over PodStatusWriter and PodDeleter. A delete of a pod that is already gone is a success: the PodActor
// only wants the object not to be there.
using k8s;
using k8s.Models;
using Vks.Actors.Ports;
using Vks.Node.Kubernetes;

namespace Vks.App.Wiring;

internal sealed class KubernetesPodApi(PodStatusWriter statusWriter, PodDeleter deleter) : IPodApi
{
    public KubernetesPodApi(IKubernetes client)
        : this(new PodStatusWriter(client), new PodDeleter(client))
    {
    }

    public async Task<ApiWriteResult> PatchStatusAsync(PodReference pod, V1PodStatus status, CancellationToken cancellationToken) =>
        ToPort(await statusWriter.PatchStatusAsync(pod, status, cancellationToken).ConfigureAwait(false));

    public async Task<ApiWriteResult> DeleteAsync(PodReference pod, CancellationToken cancellationToken) =>
        ToPort(await deleter.DeleteAsync(pod, cancellationToken).ConfigureAwait(false));

    internal static ApiWriteResult ToPort(ApiResult<PodStatusOutcome> result) => result.Outcome switch
    {
        PodStatusOutcome.Patched => ApiWriteResult.Done,
        PodStatusOutcome.PodGone => new ApiWriteResult(ApiWriteOutcome.Gone, result.Detail),
        PodStatusOutcome.ApiUnavailable => new ApiWriteResult(ApiWriteOutcome.Unavailable, result.Detail),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result.Outcome, "Unknown pod status outcome."),
    };

    internal static ApiWriteResult ToPort(ApiResult<PodDeleteOutcome> result) => result.Outcome switch
    {
        PodDeleteOutcome.Deleted => ApiWriteResult.Done,
        PodDeleteOutcome.NotFound => new ApiWriteResult(ApiWriteOutcome.Done, result.Detail),
        PodDeleteOutcome.UidMismatch => new ApiWriteResult(ApiWriteOutcome.Gone, result.Detail),
        PodDeleteOutcome.ApiUnavailable => new ApiWriteResult(ApiWriteOutcome.Unavailable, result.Detail),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result.Outcome, "Unknown pod delete outcome."),
    };
}
