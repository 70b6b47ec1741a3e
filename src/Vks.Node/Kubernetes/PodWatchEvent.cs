// What the pod watch tells its consumer (the NodeSupervisor pipes these to itself). PodsListed comes first and
// again after every re-list: it is the complete set of pods bound to the node at that resourceVersion, so the
// consumer can find pods that vanished while it was not watching. The per-pod events follow in order.
using k8s.Models;

namespace Vks.Node.Kubernetes;

public abstract record PodWatchEvent
{
    private protected PodWatchEvent()
    {
    }
}

/// <summary>Every pod bound to the node, as of <paramref name="ResourceVersion"/>.</summary>
public sealed record PodsListed(IReadOnlyList<V1Pod> Pods, string ResourceVersion) : PodWatchEvent;

public sealed record PodAdded(V1Pod Pod) : PodWatchEvent;

public sealed record PodModified(V1Pod Pod) : PodWatchEvent;

/// <summary>The pod object is gone from the API (its last state), or no longer bound to this node.</summary>
public sealed record PodDeleted(V1Pod Pod) : PodWatchEvent;

/// <summary>The watch failed and waits <paramref name="RetryIn"/> before trying again; for logs and the debug dump.</summary>
public sealed record PodWatchFailed(string Reason, TimeSpan RetryIn) : PodWatchEvent;
