using k8s.Models;
using Vks.Node.Status;

namespace Vks.Actors.Units;

public static class UnitProtocol
{
    /// <summary>The pod changed (spec or status). The UnitActor takes its container from it; a changed image
    /// replaces the container (stop, new package version, new unit, start).</summary>
    public sealed record PodChanged(V1Pod Pod);

    /// <summary>Stops the container (SIGTERM; SIGKILL once <paramref name="Grace"/> has passed), waits until its
    /// unit has stopped, removes the unit file, then stops the actor. Sent again with a shorter grace, it shortens it.</summary>
    public sealed record StopContainer(TimeSpan Grace);

    /// <summary>To the PodActor, whenever what the UnitActor knows about its container changes.</summary>
    public sealed record ContainerObserved(string Container, ContainerObservation Observation);
}
