// The node's Lease in kube-node-lease, as kubelet keeps it: holder = the node, 40 s duration, renewed every
// 10 s, owned by the Node object so that deleting the Node deletes its Lease.
using k8s.Models;

namespace Vks.Node.Nodes;

public static class NodeLeaseBuilder
{
    public const string Namespace = "kube-node-lease";
    public const int DurationSeconds = 40;
    public static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(10);

    public static V1Lease Build(string nodeName, string nodeUid, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        ArgumentException.ThrowIfNullOrEmpty(nodeUid);
        return new V1Lease
        {
            ApiVersion = "coordination.k8s.io/v1",
            Kind = "Lease",
            Metadata = new V1ObjectMeta
            {
                Name = nodeName,
                NamespaceProperty = Namespace,
                OwnerReferences =
                [
                    new V1OwnerReference { ApiVersion = "v1", Kind = "Node", Name = nodeName, Uid = nodeUid },
                ],
            },
            Spec = new V1LeaseSpec
            {
                HolderIdentity = nodeName,
                LeaseDurationSeconds = DurationSeconds,
                // renewTime is a MicroTime, so it keeps sub-second precision.
                RenewTime = now.UtcDateTime,
            },
        };
    }
}
