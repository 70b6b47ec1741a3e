using k8s.Models;
using Vks.Node.Pods;
using Vks.Systemd.Manager;

namespace Vks.Node.Status;

/// <summary>Where a container's image (its package) stands.</summary>
public enum ImagePhase
{
    /// <summary>Not installed yet: queued or being installed.</summary>
    Pending,

    /// <summary>Installed (or a binary path, which needs nothing).</summary>
    Pulled,

    /// <summary>The last install failed (ErrImagePull).</summary>
    Failed,

    /// <summary>Waiting out the back-off before the next install attempt (ImagePullBackOff).</summary>
    BackOff,

    /// <summary>imagePullPolicy Never and the package is not installed (ErrImageNeverPull).</summary>
    NeverPullMissing,
}

/// <summary>What the PodActor knows about one container, the input of <see cref="PodStatusBuilder"/>.</summary>
public sealed record ContainerObservation
{
    public required string Name { get; init; }

    /// <summary>The container's unit, once translated; becomes the containerID systemd://UNIT.</summary>
    public string? UnitName { get; init; }

    /// <summary>The unit's state from systemd's signals; null until the unit is loaded.</summary>
    public UnitState? Unit { get; init; }

    public ImagePhase Image { get; init; } = ImagePhase.Pending;

    /// <summary>apt's error line for <see cref="ImagePhase.Failed"/> and <see cref="ImagePhase.BackOff"/>.</summary>
    public string? ImageMessage { get; init; }

    /// <summary>What is installed, e.g. "deb://uptimed=1:0.4.6-3"; becomes the imageID.</summary>
    public string? ImageId { get; init; }

    /// <summary>Why the container could not be translated into a unit (invalid image, unsupported spec).</summary>
    public TranslationFailure? TranslationFailure { get; init; }

    /// <summary>
    /// How the previous run ended, captured by the actor with <see cref="ContainerStatusBuilder.TerminationOf"/> when
    /// it saw the run end (systemd forgets it once the unit restarts). Null: taken from the last written status.
    /// </summary>
    public V1ContainerStateTerminated? LastTermination { get; init; }

    /// <summary>The back-off in force (RestartSec=), for the CrashLoopBackOff message.</summary>
    public TimeSpan? RestartDelay { get; init; }

    /// <summary>Restarts the PodActor made itself (init container retries), which NRestarts does not count.</summary>
    public int ActorRestarts { get; init; }

    /// <summary>
    /// The unit is Type=exec (what vks writes unless a package's own unit names its Type=). systemd holds such a unit
    /// in activating only between fork and exec, so the program runs once the unit is active.
    /// </summary>
    public bool StartsOnExec { get; init; }
}
