// INodeApi over NodeRegistrar (the Node and its status) and LeaseRenewer (its Lease): the adapters' outcomes
// become the three the NodeSupervisor acts on.
using k8s;
using k8s.Models;
using Vks.Actors.Ports;
using Vks.Node.Kubernetes;

namespace Vks.App.Wiring;

internal sealed class KubernetesNodeApi(NodeRegistrar registrar, LeaseRenewer leases, string nodeName) : INodeApi
{
    public KubernetesNodeApi(IKubernetes client, string nodeName)
        : this(new NodeRegistrar(client), new LeaseRenewer(client, nodeName), nodeName)
    {
    }

    public async Task<NodeRegistrationResult> RegisterAsync(V1Node node, CancellationToken cancellationToken) =>
        ToPort(await registrar.RegisterAsync(node, cancellationToken).ConfigureAwait(false));

    public async Task<ApiWriteResult> PatchStatusAsync(V1NodeStatus status, CancellationToken cancellationToken) =>
        ToPort(await registrar.PatchStatusAsync(nodeName, status, cancellationToken).ConfigureAwait(false));

    public async Task<ApiWriteResult> RenewLeaseAsync(string nodeUid, CancellationToken cancellationToken) =>
        ToPort(await leases.RenewAsync(nodeUid, cancellationToken).ConfigureAwait(false));

    /// <summary>Created or Updated carry the stored Node's UID (and, for Updated, a notice about kept taints).</summary>
    internal static NodeRegistrationResult ToPort(NodeRegistration registration) => registration.Outcome switch
    {
        NodeRegistrationOutcome.Created or NodeRegistrationOutcome.Updated =>
            new NodeRegistrationResult(RequireUid(registration.Node), registration.Detail),
        NodeRegistrationOutcome.ApiUnavailable => new NodeRegistrationResult(null, registration.Detail),
        _ => throw new ArgumentOutOfRangeException(nameof(registration), registration.Outcome, "Unknown registration outcome."),
    };

    internal static ApiWriteResult ToPort(ApiResult<NodeStatusOutcome> result) => result.Outcome switch
    {
        NodeStatusOutcome.Patched => ApiWriteResult.Done,
        NodeStatusOutcome.NodeMissing => new ApiWriteResult(ApiWriteOutcome.Gone, result.Detail),
        NodeStatusOutcome.ApiUnavailable => new ApiWriteResult(ApiWriteOutcome.Unavailable, result.Detail),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result.Outcome, "Unknown node status outcome."),
    };

    /// <summary>A Conflict means someone else kept writing the Lease: the next renewal, 10 s later, tries again.</summary>
    internal static ApiWriteResult ToPort(LeaseRenewal renewal) => renewal.Outcome switch
    {
        LeaseRenewalOutcome.Renewed or LeaseRenewalOutcome.Created => ApiWriteResult.Done,
        LeaseRenewalOutcome.NodeMissing => new ApiWriteResult(ApiWriteOutcome.Gone, renewal.Detail),
        LeaseRenewalOutcome.Conflict or LeaseRenewalOutcome.ApiUnavailable => new ApiWriteResult(ApiWriteOutcome.Unavailable, renewal.Detail),
        _ => throw new ArgumentOutOfRangeException(nameof(renewal), renewal.Outcome, "Unknown lease outcome."),
    };

    // The API server always returns a UID for a stored object; without one the Lease could not name its owner.
    private static string RequireUid(V1Node? node) =>
        node?.Metadata?.Uid is { Length: > 0 } uid
            ? uid
            : throw new InvalidOperationException("The API server returned the registered Node without a UID.");
}
