using k8s.Models;

namespace Vks.Actors.Ports;

/// <param name="NodeUid">The registered Node's UID (the Lease's owner); null when the API server was unavailable.</param>
public sealed record NodeRegistrationResult(string? NodeUid, string? Detail = null);

/// <summary>The node's own objects: the Node, its status and its Lease. The node name is the adapter's.</summary>
public interface INodeApi
{
    /// <summary>Creates the Node, or updates the existing one's labels; returns its UID.</summary>
    Task<NodeRegistrationResult> RegisterAsync(V1Node node, CancellationToken cancellationToken);

    /// <summary>Writes the Node's status subresource. <see cref="ApiWriteOutcome.Gone"/>: the Node was deleted; register again.</summary>
    Task<ApiWriteResult> PatchStatusAsync(V1NodeStatus status, CancellationToken cancellationToken);

    /// <summary>Renews (or creates) the node's Lease, owned by the Node with <paramref name="nodeUid"/>.
    /// <see cref="ApiWriteOutcome.Gone"/>: that Node is gone; register again.</summary>
    Task<ApiWriteResult> RenewLeaseAsync(string nodeUid, CancellationToken cancellationToken);
}
