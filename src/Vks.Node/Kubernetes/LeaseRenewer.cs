// The node heartbeat: the Lease kube-node-lease/<node>, held by the node, 40 s long, renewed every 10 s (the
// timer lives in the NodeSupervisor; this file does one renewal per call). The Lease has an ownerReference to the
// Node, so deleting the Node garbage-collects it, as with the kubelet.
// - A renewal is one update of the lease as last written (like the kubelet, no read first).
// - 409 Conflict (someone else wrote it, or our copy is stale): read it again and retry once.
// - 404 (the lease is gone, e.g. collected after the Node was deleted): create it again, but only while the Node
//   with the caller's UID still exists; otherwise the answer is NodeMissing and the caller registers again (a
//   Lease owned by a deleted Node would be collected at once).
// Not thread-safe: one caller (the actor) renews at a time.
using System.Net;
using k8s;
using k8s.Models;

namespace Vks.Node.Kubernetes;

public enum LeaseRenewalOutcome
{
    Renewed,
    Created,

    /// <summary>Someone else kept writing the lease; the next renewal tries again.</summary>
    Conflict,

    /// <summary>The Node (with the given UID) is gone: register it again, then renew.</summary>
    NodeMissing,
    ApiUnavailable,
}

/// <param name="RenewTime">The lease's renewTime as stored, when it was written.</param>
public sealed record LeaseRenewal(LeaseRenewalOutcome Outcome, DateTime? RenewTime = null, string? Detail = null);

public sealed class LeaseRenewer
{
    public const string LeaseNamespace = "kube-node-lease";
    public const int LeaseDurationSeconds = 40;
    public static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(10);

    private readonly IKubernetes _client;
    private readonly string _nodeName;
    private readonly TimeProvider _time;
    private V1Lease? _lease; // as last read or written

    public LeaseRenewer(IKubernetes client, string nodeName, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        _client = client;
        _nodeName = nodeName;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Renews (or creates) the node's Lease, owned by the Node with UID <paramref name="nodeUid"/>.</summary>
    public async Task<LeaseRenewal> RenewAsync(string nodeUid, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeUid);
        try
        {
            _lease ??= await ReadLeaseAsync(cancellationToken).ConfigureAwait(false);
            if (_lease is null)
            {
                return await CreateAsync(nodeUid, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                return await UpdateAsync(_lease, nodeUid, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (ApiErrors.Is(e, HttpStatusCode.Conflict))
            {
                _lease = await ReadLeaseAsync(cancellationToken).ConfigureAwait(false);
                if (_lease is null)
                {
                    return await CreateAsync(nodeUid, cancellationToken).ConfigureAwait(false);
                }

                try
                {
                    return await UpdateAsync(_lease, nodeUid, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception again) when (ApiErrors.Is(again, HttpStatusCode.Conflict))
                {
                    _lease = null;
                    return new LeaseRenewal(LeaseRenewalOutcome.Conflict, Detail: ApiErrors.Describe(again));
                }
            }
            catch (Exception e) when (ApiErrors.Is(e, HttpStatusCode.NotFound))
            {
                _lease = null;
                return await CreateAsync(nodeUid, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (ApiErrors.IsUnavailable(e, cancellationToken))
        {
            return new LeaseRenewal(LeaseRenewalOutcome.ApiUnavailable, Detail: ApiErrors.Describe(e));
        }
    }

    private async Task<LeaseRenewal> UpdateAsync(V1Lease lease, string nodeUid, CancellationToken cancellationToken)
    {
        Stamp(lease, nodeUid);
        _lease = await _client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, _nodeName, LeaseNamespace, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return new LeaseRenewal(LeaseRenewalOutcome.Renewed, _lease.Spec?.RenewTime);
    }

    private async Task<LeaseRenewal> CreateAsync(string nodeUid, CancellationToken cancellationToken)
    {
        var node = await ReadNodeAsync(cancellationToken).ConfigureAwait(false);
        if (node?.Metadata?.Uid != nodeUid)
        {
            var why = node is null
                ? $"The Node {_nodeName} does not exist."
                : $"The Node {_nodeName} has UID {node.Metadata?.Uid}, not {nodeUid}: it was deleted and created again.";
            return new LeaseRenewal(LeaseRenewalOutcome.NodeMissing, Detail: why);
        }

        var lease = new V1Lease
        {
            ApiVersion = "coordination.k8s.io/v1",
            Kind = "Lease",
            Metadata = new V1ObjectMeta { Name = _nodeName, NamespaceProperty = LeaseNamespace },
            Spec = new V1LeaseSpec(),
        };
        Stamp(lease, nodeUid);
        try
        {
            _lease = await _client.CoordinationV1.CreateNamespacedLeaseAsync(lease, LeaseNamespace, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return new LeaseRenewal(LeaseRenewalOutcome.Created, _lease.Spec?.RenewTime);
        }
        catch (Exception e) when (ApiErrors.Is(e, HttpStatusCode.Conflict))
        {
            // Created by someone else meanwhile; the next renewal reads and updates it.
            return new LeaseRenewal(LeaseRenewalOutcome.Conflict, Detail: ApiErrors.Describe(e));
        }
    }

    private void Stamp(V1Lease lease, string nodeUid)
    {
        lease.Spec ??= new V1LeaseSpec();
        lease.Spec.HolderIdentity = _nodeName;
        lease.Spec.LeaseDurationSeconds = LeaseDurationSeconds;
        lease.Spec.RenewTime = _time.GetUtcNow().UtcDateTime;
        lease.Metadata ??= new V1ObjectMeta();
        lease.Metadata.OwnerReferences =
        [
            new V1OwnerReference { ApiVersion = "v1", Kind = "Node", Name = _nodeName, Uid = nodeUid },
        ];
    }

    private async Task<V1Lease?> ReadLeaseAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _client.CoordinationV1.ReadNamespacedLeaseAsync(_nodeName, LeaseNamespace, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (ApiErrors.Is(e, HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    private async Task<V1Node?> ReadNodeAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _client.CoreV1.ReadNodeAsync(_nodeName, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (ApiErrors.Is(e, HttpStatusCode.NotFound))
        {
            return null;
        }
    }
}
