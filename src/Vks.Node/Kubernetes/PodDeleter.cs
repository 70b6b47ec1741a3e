// Deletes a pod object once its units are gone: grace period 0 (the grace was already honoured on the node) and
// a UID precondition, so a successor pod of the same name is never deleted by mistake.
using System.Net;
using k8s;
using k8s.Models;

namespace Vks.Node.Kubernetes;

public enum PodDeleteOutcome
{
    Deleted,

    /// <summary>Already gone: nothing to do.</summary>
    NotFound,

    /// <summary>The name belongs to a pod with another UID now (409 from the precondition, or 403 from NodeRestriction
    /// when that pod is bound to another node); it was left alone.</summary>
    UidMismatch,
    ApiUnavailable,
}

public sealed class PodDeleter(IKubernetes client)
{
    public async Task<ApiResult<PodDeleteOutcome>> DeleteAsync(PodReference pod, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var options = new V1DeleteOptions
        {
            GracePeriodSeconds = 0,
            Preconditions = new V1Preconditions { Uid = pod.Uid },
        };
        try
        {
            await client.CoreV1.DeleteNamespacedPodAsync(pod.Name, pod.Namespace, options, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return new ApiResult<PodDeleteOutcome>(PodDeleteOutcome.Deleted);
        }
        catch (Exception e) when (ApiErrors.Is(e, HttpStatusCode.NotFound))
        {
            return new ApiResult<PodDeleteOutcome>(PodDeleteOutcome.NotFound, ApiErrors.Describe(e));
        }
        catch (Exception e) when (ApiErrors.Is(e, HttpStatusCode.Conflict) || ApiErrors.IsPodOfAnotherNode(e))
        {
            return new ApiResult<PodDeleteOutcome>(PodDeleteOutcome.UidMismatch, ApiErrors.Describe(e));
        }
        catch (Exception e) when (ApiErrors.IsUnavailable(e, cancellationToken))
        {
            return new ApiResult<PodDeleteOutcome>(PodDeleteOutcome.ApiUnavailable, ApiErrors.Describe(e));
        }
    }
}
