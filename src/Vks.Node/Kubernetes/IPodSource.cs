using k8s;
using k8s.Models;

namespace Vks.Node.Kubernetes;

/// <summary>Where the pods bound to one node come from: the API server, or a fake in tests.</summary>
public interface IPodSource
{
    /// <summary>Lists the node's pods with a consistent read; the list's resourceVersion is where a watch starts.</summary>
    Task<V1PodList> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Watches the node's pods from <paramref name="resourceVersion"/>, with bookmarks. The stream ends when the
    /// server closes it (after about <paramref name="timeout"/>). A watch ERROR event is thrown as a
    /// <see cref="KubernetesException"/> carrying the server's Status (410 when the resourceVersion expired).
    /// </summary>
    IAsyncEnumerable<(WatchEventType Type, V1Pod Pod)> WatchAsync(string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken);
}
