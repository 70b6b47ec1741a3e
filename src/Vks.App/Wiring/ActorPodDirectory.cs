// The kubelet API's view of the node's pods comes from the NodeSupervisor, which holds each pod as the API last
// showed it: no extra watch, no second cache to keep in step.
using Akka.Actor;
using Akka.Hosting;
using k8s.Models;
using Vks.Actors;
using Vks.Actors.Node;
using Vks.Node.KubeletApi;

namespace Vks.App.Wiring;

internal sealed class ActorPodDirectory(IRequiredActor<NodeSupervisorMarker> node) : IKubeletPodDirectory
{
    // The supervisor answers from memory; longer than this means vks is in trouble, and the request says so.
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public async Task<IReadOnlyList<V1Pod>> ListPodsAsync(CancellationToken cancellationToken)
    {
        var supervisor = await node.GetAsync(cancellationToken).ConfigureAwait(false);
        var held = await supervisor.Ask<NodeProtocol.PodsHeld>(NodeProtocol.ListPods.Instance, AskTimeout, cancellationToken).ConfigureAwait(false);
        return held.Pods;
    }
}
