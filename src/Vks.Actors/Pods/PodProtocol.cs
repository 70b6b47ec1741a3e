using k8s.Models;

namespace Vks.Actors.Pods;

public static class PodProtocol
{
    /// <summary>The pod object as the watch last delivered it (spec, status, deletionTimestamp).</summary>
    public sealed record PodUpdated(V1Pod Pod);

    /// <summary>The pod object is gone from the API (a force delete, or the end of a graceful one): its units are
    /// stopped and removed, and nothing more is written to the API.</summary>
    public sealed record PodRemovedFromApi(V1Pod LastState);

    /// <summary>To the NodeSupervisor: the pod's units are gone (and its object deleted); the PodActor stops.</summary>
    public sealed record PodFinished(string Uid);

    /// <summary>To the NodeSupervisor: the PodActor restarted after a failure and needs the pod's latest state.</summary>
    public sealed record PodActorRestarted(string Uid);
}
