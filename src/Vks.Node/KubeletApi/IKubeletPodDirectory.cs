using k8s.Models;

namespace Vks.Node.KubeletApi;

/// <summary>
/// The pods this node runs, as the node agent last saw them from the API server: what the kubelet API's /pods,
/// /containerLogs and /stats answer from. A pod is listed from the moment vks takes it on until its units are gone.
/// </summary>
public interface IKubeletPodDirectory
{
    Task<IReadOnlyList<V1Pod>> ListPodsAsync(CancellationToken cancellationToken);
}
