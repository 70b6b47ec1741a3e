using k8s.Models;

namespace Vks.Actors.Node;

public static class NodeProtocol
{
    /// <summary>Published on the actor system's event stream once vks has synced with systemd (its units are listed
    /// and adopted) and with the API server (the first pod list is applied): the node turns Ready, and under systemd
    /// it is the moment for READY=1.</summary>
    public sealed record NodeSynced(string NodeName);

    /// <summary>Asks the NodeSupervisor for the pods it holds; it answers <see cref="PodsHeld"/> in every state.</summary>
    public sealed record ListPods
    {
        public static readonly ListPods Instance = new();

        private ListPods()
        {
        }
    }

    /// <param name="Pods">Each pod as the API last showed it, from the moment vks takes it on until its units are gone.</param>
    public sealed record PodsHeld(IReadOnlyList<V1Pod> Pods);
}
