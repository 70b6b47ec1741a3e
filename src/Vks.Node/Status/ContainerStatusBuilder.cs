// One container's status (Waiting, Running or Terminated, lastState, restartCount, ready) from its unit's state
// and what the PodActor knows about its image. The unit-state mapping is the table in docs/unit-mapping.md.
using System.Globalization;
using k8s.Models;
using Vks.Node.Pods;
using Vks.Systemd.Manager;

namespace Vks.Node.Status;

public static class ContainerStatusBuilder
{
    public const string ContainerCreating = "ContainerCreating";
    public const string CrashLoopBackOff = "CrashLoopBackOff";
    public const string ErrImagePull = "ErrImagePull";
    public const string ImagePullBackOff = "ImagePullBackOff";
    public const string ErrImageNeverPull = "ErrImageNeverPull";
    public const string Completed = "Completed";
    public const string Error = "Error";
    public const string OomKilled = "OOMKilled";
    public const string StartError = "StartError";

    public const string ContainerIdScheme = "systemd://";

    // systemd's own exit statuses for a failure while setting up or executing the process (200 CHDIR, 203 EXEC,
    // 217 USER, ...; systemd.exec(5) "Process exit codes"). A program could exit with one of these itself; the
    // message says how to tell.
    private const int FirstSystemdExitStatus = 200;
    private const int LastSystemdExitStatus = 245;

    /// <summary>
    /// How the unit's last main process ended, or null while it runs or when it never ran. Signals become exit code
    /// 128+N, as a container runtime reports them.
    /// </summary>
    public static V1ContainerStateTerminated? TerminationOf(UnitState unit, string? unitName)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (unit.ExecMainCode is not (ChildExitCode.Exited or ChildExitCode.Killed or ChildExitCode.Dumped))
        {
            return null;
        }

        var exited = unit.ExecMainCode == ChildExitCode.Exited;
        var exitCode = exited ? unit.ExecMainStatus : 128 + unit.ExecMainStatus;
        var systemdExitStatus = exited && unit.ExecMainStatus is >= FirstSystemdExitStatus and <= LastSystemdExitStatus;
        var reason = unit.Result == ServiceResult.OomKill ? OomKilled
            : exitCode == 0 ? Completed
            : systemdExitStatus ? StartError
            : Error;
        var message = reason == StartError
            ? $"Exit status {unit.ExecMainStatus}: systemd uses it when it cannot set up or execute the process (systemd.exec(5), \"Process exit codes\"); the unit's journal says why."
            : unit.Result switch
            {
                ServiceResult.Timeout => "systemd: the start or stop timed out.",
                ServiceResult.Watchdog => "systemd: the watchdog timed out.",
                ServiceResult.CoreDump => "The process dumped core.",
                _ => null,
            };

        return new V1ContainerStateTerminated
        {
            ExitCode = exitCode,
            Signal = exited ? null : unit.ExecMainStatus,
            Reason = reason,
            Message = message,
            StartedAt = ApiTime.From(unit.ExecMainStartTimestamp),
            FinishedAt = ApiTime.From(unit.ExecMainExitTimestamp),
            ContainerID = ContainerId(unitName),
        };
    }

    /// <summary>The status of <paramref name="container"/>; <paramref name="previous"/> is its last written status.</summary>
    public static V1ContainerStatus Build(
        V1Container container,
        bool isInit,
        string? restartPolicy,
        ContainerObservation observation,
        V1ContainerStatus? previous,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(observation);
        var unit = observation.Unit;
        var restartCount = checked((int)(unit?.NRestarts ?? 0) + observation.ActorRestarts);
        // systemd forgets a run once the unit restarts; without a fresh capture, the last written lastState still
        // holds as long as no restart happened since.
        var lastTermination = observation.LastTermination
            ?? (previous?.RestartCount == restartCount ? previous.LastState?.Terminated : null);

        V1ContainerState state;
        var blocked = Blocked(container, observation);
        if (blocked is not null)
        {
            state = new V1ContainerState { Waiting = blocked };
        }
        else if (unit is null)
        {
            state = Waiting(ContainerCreating);
        }
        else
        {
            var termination = TerminationOf(unit, observation.UnitName);
            (state, var crashed) = FromUnit(unit, termination, isInit, restartPolicy, observation, previous, now);
            if (crashed)
            {
                lastTermination = termination;
            }
        }

        // Like kubelet, a container that is still being created has no container or image ID; they come with its
        // first run (or stay from an earlier one). This also spares a status write per pod start for each of them.
        var created = state.Waiting is null || lastTermination is not null;
        var running = state.Running is not null;
        var ready = isInit
            ? state.Terminated is { ExitCode: 0 }
            : running && unit is { ActiveState: UnitActiveState.Active or UnitActiveState.Reloading };
        return new V1ContainerStatus
        {
            Name = container.Name,
            Image = container.Image,
            ImageID = created ? observation.ImageId ?? "" : "",
            ContainerID = created && unit is not null ? ContainerId(observation.UnitName) : null,
            State = state,
            LastState = lastTermination is null ? new V1ContainerState() : new V1ContainerState { Terminated = lastTermination },
            Ready = ready,
            Started = running,
            RestartCount = restartCount,
        };
    }

    // A reason the container cannot be (re)created: these describe the container vks is trying to create, so they
    // take precedence over the state of a unit that may still exist from before.
    private static V1ContainerStateWaiting? Blocked(V1Container container, ContainerObservation observation)
    {
        if (observation.TranslationFailure is { } failure)
        {
            return new V1ContainerStateWaiting { Reason = failure.Reason, Message = failure.Message };
        }

        return observation.Image switch
        {
            ImagePhase.Failed => new V1ContainerStateWaiting { Reason = ErrImagePull, Message = observation.ImageMessage },
            ImagePhase.BackOff => new V1ContainerStateWaiting
            {
                Reason = ImagePullBackOff,
                Message = $"Back-off pulling image \"{container.Image}\"" + (observation.ImageMessage is null ? "" : ": " + observation.ImageMessage),
            },
            ImagePhase.NeverPullMissing => new V1ContainerStateWaiting
            {
                Reason = ErrImageNeverPull,
                Message = $"Container image \"{container.Image}\" is not present with pull policy of Never",
            },
            _ => null,
        };
    }

    // The second value is true when the state describes a crashed run that systemd (or the PodActor) will restart;
    // the termination then belongs in lastState.
    private static (V1ContainerState State, bool Crashed) FromUnit(
        UnitState unit,
        V1ContainerStateTerminated? termination,
        bool isInit,
        string? restartPolicy,
        ContainerObservation observation,
        V1ContainerStatus? previous,
        DateTimeOffset now)
    {
        var mainRunning = unit.ExecMainCode == ChildExitCode.None && unit.ExecMainPid != 0;
        var running = new V1ContainerState
        {
            Running = new V1ContainerStateRunning { StartedAt = ApiTime.From(unit.ExecMainStartTimestamp ?? now) },
        };
        switch (unit.ActiveState)
        {
            case UnitActiveState.Active when unit.SubState == "exited":
                // RemainAfterExit=yes: the process finished and the unit keeps its exit status.
                return (termination is null ? Waiting(ContainerCreating) : new V1ContainerState { Terminated = termination }, false);
            case UnitActiveState.Active or UnitActiveState.Reloading:
                return (running, false);
            case UnitActiveState.Activating when unit.SubState == "auto-restart":
                return (Waiting(CrashLoopBackOff, BackOffMessage(observation, unit)), termination is not null);
            case UnitActiveState.Activating when observation.StartsOnExec && unit.SubState == "start":
                // Type=exec between fork and exec: the program is not running yet, and the unit is active a few
                // milliseconds later (or failed, when the exec did). Reporting Running here would cost a status write
                // per start for a state that is gone before anyone reads it.
                return (Waiting(ContainerCreating), termination is not null);
            case UnitActiveState.Activating or UnitActiveState.Deactivating when mainRunning:
                // Started but not (or no longer) ready: before READY=1 for Type=notify, or while stopping.
                return (running, false);
            case UnitActiveState.Activating:
                // ExecStartPre= and friends; after a restart the main-process fields still describe the crashed run.
                return (Waiting(ContainerCreating), termination is not null);
            case UnitActiveState.Failed or UnitActiveState.Inactive or UnitActiveState.Deactivating when termination is not null:
                if (isInit && restartPolicy != "Never" && termination.ExitCode != 0)
                {
                    // The PodActor retries a failed init container after its back-off.
                    return (Waiting(CrashLoopBackOff, BackOffMessage(observation, unit)), true);
                }

                return (new V1ContainerState { Terminated = termination }, false);
            case UnitActiveState.Failed:
                // Failed before a main process ran (ExecStartPre=, a missing user, a bad setting).
                return (new V1ContainerState
                {
                    Terminated = new V1ContainerStateTerminated
                    {
                        ExitCode = 128,
                        Reason = StartError,
                        Message = $"systemd could not start the unit (result: {unit.Result}); the unit's journal says why.",
                        FinishedAt = ApiTime.From(now),
                        ContainerID = ContainerId(observation.UnitName),
                    },
                }, false);
            case UnitActiveState.Inactive when previous?.State?.Terminated is { } written:
                // systemd unloaded the finished unit (it keeps no state for inactive units); what was written stands.
                return (new V1ContainerState { Terminated = written }, false);
            default:
                return (Waiting(ContainerCreating), false);
        }
    }

    private static string BackOffMessage(ContainerObservation observation, UnitState unit)
    {
        var delay = observation.RestartDelay ?? CrashLoopBackoff.InitialDelay;
        return $"back-off {FormatDelay(delay)} restarting failed container={observation.Name} unit={observation.UnitName ?? unit.Id}";
    }

    // Go's duration format, as kubelet's message has it: "10s", "5m0s".
    private static string FormatDelay(TimeSpan delay)
    {
        var seconds = (long)Math.Ceiling(delay.TotalSeconds);
        return seconds < 60
            ? seconds.ToString(CultureInfo.InvariantCulture) + "s"
            : string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}m{seconds % 60}s");
    }

    private static V1ContainerState Waiting(string reason, string? message = null) =>
        new() { Waiting = new V1ContainerStateWaiting { Reason = reason, Message = message } };

    private static string? ContainerId(string? unitName) => unitName is null ? null : ContainerIdScheme + unitName;
}
