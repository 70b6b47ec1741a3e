using Akka.Actor;
using Vks.Actors.Ports;
using Vks.Systemd.Manager;
using Vks.Systemd.Units;

namespace Vks.Actors.Pods;

/// <summary>What PodActors and UnitActors use: the node, the ports, and the two shared actors.</summary>
/// <param name="UnitFiles">Read directly (reads are safe at any time); written only through <paramref name="UnitFileWriter"/>.</param>
/// <param name="UnitFileWriter">The UnitFileActor.</param>
/// <param name="Packages">The PackageActor.</param>
internal sealed record PodServices(
    PodHost Host,
    ISystemdManager Systemd,
    UnitFileStore UnitFiles,
    IActorRef UnitFileWriter,
    IActorRef Packages,
    IPodApi PodApi,
    IPodEventRecorder Events);
