namespace Vks.Actors.Node;

public static class NodeProtocol
{
    /// <summary>Published on the actor system's event stream once vks has synced with systemd (its units are listed
    /// and adopted) and with the API server (the first pod list is applied): the node turns Ready, and under systemd
    /// it is the moment for READY=1.</summary>
    public sealed record NodeSynced(string NodeName);
}
