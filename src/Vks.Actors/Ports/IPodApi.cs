using k8s.Models;
using Vks.Node.Kubernetes;

namespace Vks.Actors.Ports;

/// <summary>The writes a PodActor makes to its pod object. Expected failures are outcomes, not exceptions.</summary>
public interface IPodApi
{
    /// <summary>Writes the pod's status subresource. <see cref="ApiWriteOutcome.Gone"/>: the pod (with this UID) is gone.</summary>
    Task<ApiWriteResult> PatchStatusAsync(PodReference pod, V1PodStatus status, CancellationToken cancellationToken);

    /// <summary>Deletes the pod object with grace period 0 and a UID precondition, once its units are gone.
    /// <see cref="ApiWriteOutcome.Done"/> also when it was already gone; <see cref="ApiWriteOutcome.Gone"/> when the name
    /// belongs to another pod now (left alone).</summary>
    Task<ApiWriteResult> DeleteAsync(PodReference pod, CancellationToken cancellationToken);
}
