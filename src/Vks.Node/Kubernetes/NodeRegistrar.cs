// Registers the Node object and writes its status. The V1Node itself is built elsewhere (Nodes/); this file only
// knows how to get it into the API server as the node identity (system:node:<name>) allows:
// - register: create the Node; if it exists already (vks restarted), merge-patch its labels and annotations.
//   NodeRestriction forbids a node to change its own taints, so an existing Node keeps the taints it has; the
//   result says so when they differ from the wanted ones (delete the Node to apply new taints);
// - status: a JSON merge patch of the status subresource. Lists (conditions, addresses) are replaced whole,
//   which is right because vks owns all of them, and it avoids the duplicate-address trap of a strategic merge
//   keyed on the address type;
// - a deleted Node shows as NodeMissing on the status patch (done at least once a minute) and on the lease
//   renewal (every 10 s, see LeaseRenewer); the caller then registers again.
using System.Net;
using k8s;
using k8s.Models;

namespace Vks.Node.Kubernetes;

public enum NodeRegistrationOutcome
{
    Created,
    Updated,
    ApiUnavailable,
}

/// <param name="Node">The Node as stored (with its UID, which the Lease's ownerReference needs); null when unavailable.</param>
public sealed record NodeRegistration(NodeRegistrationOutcome Outcome, V1Node? Node, string? Detail = null);

public enum NodeStatusOutcome
{
    Patched,
    NodeMissing,
    ApiUnavailable,
}

public sealed class NodeRegistrar(IKubernetes client)
{
    // Create -> exists -> patch -> deleted meanwhile -> create...: someone else is deleting the Node in a loop.
    private const int MaxRegistrationAttempts = 3;

    /// <summary>Creates the Node, or updates the labels and annotations of the existing one. Call
    /// <see cref="PatchStatusAsync"/> right after: an existing Node's status is not touched here.</summary>
    public async Task<NodeRegistration> RegisterAsync(V1Node node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        var name = node.Metadata?.Name;
        ArgumentException.ThrowIfNullOrEmpty(name, "node.Metadata.Name");
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var created = await client.CoreV1.CreateNodeAsync(node, cancellationToken: cancellationToken).ConfigureAwait(false);
                    return new NodeRegistration(NodeRegistrationOutcome.Created, created);
                }
                catch (Exception e) when (ApiErrors.Is(e, HttpStatusCode.Conflict))
                {
                    // AlreadyExists: update it below.
                }

                try
                {
                    var stored = await UpdateMetadataAsync(node, name, cancellationToken).ConfigureAwait(false);
                    return new NodeRegistration(NodeRegistrationOutcome.Updated, stored, TaintsNotice(node, stored));
                }
                catch (Exception e) when (ApiErrors.Is(e, HttpStatusCode.NotFound) && attempt < MaxRegistrationAttempts)
                {
                    // Deleted between our create and our patch: create it again.
                }
            }
        }
        catch (Exception e) when (ApiErrors.IsUnavailable(e, cancellationToken))
        {
            return new NodeRegistration(NodeRegistrationOutcome.ApiUnavailable, null, ApiErrors.Describe(e));
        }
    }

    /// <summary>Merge-patches the Node's status subresource with <paramref name="status"/> (fields it leaves null keep
    /// their stored value). The caller sets the conditions' lastHeartbeatTime.</summary>
    public async Task<ApiResult<NodeStatusOutcome>> PatchStatusAsync(string nodeName, V1NodeStatus status, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        ArgumentNullException.ThrowIfNull(status);
        var patch = MergePatches.NodeStatus(status);
        try
        {
            await client.CoreV1.PatchNodeStatusAsync(patch, nodeName, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new ApiResult<NodeStatusOutcome>(NodeStatusOutcome.Patched);
        }
        catch (Exception e) when (ApiErrors.Is(e, HttpStatusCode.NotFound))
        {
            return new ApiResult<NodeStatusOutcome>(NodeStatusOutcome.NodeMissing, ApiErrors.Describe(e));
        }
        catch (Exception e) when (ApiErrors.IsUnavailable(e, cancellationToken))
        {
            return new ApiResult<NodeStatusOutcome>(NodeStatusOutcome.ApiUnavailable, ApiErrors.Describe(e));
        }
    }

    private Task<V1Node> UpdateMetadataAsync(V1Node node, string name, CancellationToken cancellationToken)
    {
        var patch = MergePatches.NodeLabelsAndAnnotations(node.Metadata.Labels, node.Metadata.Annotations);
        return client.CoreV1.PatchNodeAsync(patch, name, cancellationToken: cancellationToken);
    }

    // Taints under node.kubernetes.io/ (not-ready, unreachable, unschedulable, the pressure ones) belong to the node
    // lifecycle controller, which adds them while a node is down and removes them once it reports Ready again. A
    // node that re-registers after an outage usually has some; they are no reason to tell the admin anything.
    internal const string ControllerTaintPrefix = "node.kubernetes.io/";

    internal static string? TaintsNotice(V1Node wanted, V1Node stored)
    {
        var want = Describe(wanted.Spec?.Taints);
        var have = Describe(stored.Spec?.Taints);
        return want.SetEquals(have)
            ? null
            : $"The existing Node keeps its taints [{string.Join(", ", have.Order(StringComparer.Ordinal))}] instead of "
              + $"[{string.Join(", ", want.Order(StringComparer.Ordinal))}]: NodeRestriction forbids a node to change its own "
              + "taints. Delete the Node object to register it with the new ones.";

        static HashSet<string> Describe(IList<V1Taint>? taints) =>
            (taints ?? [])
                .Where(t => t.Key?.StartsWith(ControllerTaintPrefix, StringComparison.Ordinal) != true)
                .Select(t => $"{t.Key}={t.Value}:{t.Effect}")
                .ToHashSet(StringComparer.Ordinal);
    }
}
