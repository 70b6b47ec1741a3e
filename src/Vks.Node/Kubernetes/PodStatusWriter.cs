// Writes a pod's status subresource: a JSON merge patch of the V1PodStatus built elsewhere (Status/). Lists
// (conditions, containerStatuses) are replaced whole, which is right since vks owns all of them; fields the
// V1PodStatus leaves null keep their stored value (qosClass, set by the API server, stays).
// The patch carries the pod's UID: if the name now holds another pod (deleted and created again), the API server
// refuses to change the UID (422 on 1.20, 409 on later servers), or NodeRestriction refuses a successor bound to
// another node (403), and nothing is written to the successor.
// PodGone only means "stop writing": whether the pod is really gone is for the watch to say (PodDeleted).
using System.Net;
using k8s;
using k8s.Models;

namespace Vks.Node.Kubernetes;

public enum PodStatusOutcome
{
    Patched,

    /// <summary>The pod object is gone, or its name now belongs to a pod with another UID.</summary>
    PodGone,
    ApiUnavailable,
}

public sealed class PodStatusWriter(IKubernetes client)
{
    public async Task<ApiResult<PodStatusOutcome>> PatchStatusAsync(PodReference pod, V1PodStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(status);
        var patch = MergePatches.PodStatus(pod.Uid, status);
        try
        {
            await client.CoreV1.PatchNamespacedPodStatusAsync(patch, pod.Name, pod.Namespace, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return new ApiResult<PodStatusOutcome>(PodStatusOutcome.Patched);
        }
        catch (Exception e) when (ApiErrors.Is(e, HttpStatusCode.NotFound) || IsUidMismatch(e))
        {
            return new ApiResult<PodStatusOutcome>(PodStatusOutcome.PodGone, ApiErrors.Describe(e));
        }
        catch (Exception e) when (ApiErrors.IsUnavailable(e, cancellationToken))
        {
            return new ApiResult<PodStatusOutcome>(PodStatusOutcome.ApiUnavailable, ApiErrors.Describe(e));
        }
    }

    private static bool IsUidMismatch(Exception error) =>
        ApiErrors.Is(error, HttpStatusCode.Conflict)
        || ApiErrors.IsPodOfAnotherNode(error)
        || (ApiErrors.Is(error, HttpStatusCode.UnprocessableEntity)
            && ApiErrors.StatusOf(error)?.Details?.Causes?.Any(c => c.Field == "metadata.uid") == true);
}
