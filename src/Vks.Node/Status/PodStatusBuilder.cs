// The pod's status from its containers' observations: container statuses, the phase by kubelet's rules
// (pkg/kubelet/kubelet_pods.go getPhase, without sidecars), the conditions PodScheduled, Initialized,
// ContainersReady and Ready, and the node's InternalIP as hostIP and podIP (containers share the host network).
// The previous status (the one last written, as the watch returns it) keeps what must not move: condition
// lastTransitionTimes that did not change, startTime, qosClass, a terminal phase, and conditions other owners set.
using k8s.Models;

namespace Vks.Node.Status;

public static class PodStatusBuilder
{
    public const string Pending = "Pending";
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";

    public const string PodScheduled = "PodScheduled";
    public const string Initialized = "Initialized";
    public const string ContainersReady = "ContainersReady";
    public const string Ready = "Ready";

    private static readonly string[] OwnedConditions = [Initialized, Ready, ContainersReady, PodScheduled];

    /// <summary>
    /// Builds the status of <paramref name="pod"/>. <paramref name="observations"/> has an entry per container by
    /// name; a container without one is still waiting to be created.
    /// </summary>
    public static V1PodStatus Build(V1Pod pod, IReadOnlyCollection<ContainerObservation> observations, string nodeIp, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentException.ThrowIfNullOrEmpty(nodeIp);
        var spec = pod.Spec ?? throw new ArgumentException("The pod has no spec.", nameof(pod));
        var previous = pod.Status;
        var byName = observations.ToDictionary(o => o.Name, StringComparer.Ordinal);

        V1ContainerStatus StatusOf(V1Container container, bool isInit, IList<V1ContainerStatus>? previousStatuses) =>
            ContainerStatusBuilder.Build(
                container,
                isInit,
                spec.RestartPolicy,
                byName.GetValueOrDefault(container.Name) ?? new ContainerObservation { Name = container.Name },
                previousStatuses?.FirstOrDefault(s => s.Name == container.Name),
                now);

        var initStatuses = (spec.InitContainers ?? []).Select(c => StatusOf(c, isInit: true, previous?.InitContainerStatuses)).ToList();
        var appStatuses = (spec.Containers ?? []).Select(c => StatusOf(c, isInit: false, previous?.ContainerStatuses)).ToList();

        // A terminal phase is final (kubelet never moves a pod out of Succeeded or Failed).
        var phase = previous?.Phase is Succeeded or Failed ? previous.Phase : Phase(spec.RestartPolicy, initStatuses, appStatuses);

        var initialized = initStatuses.All(s => s.State.Terminated is { ExitCode: 0 })
            || ConditionOf(previous, Initialized)?.Status == "True";
        var unready = appStatuses.Where(s => !s.Ready).Select(s => s.Name).ToArray();
        var incomplete = initStatuses.Where(s => s.State.Terminated is not { ExitCode: 0 }).Select(s => s.Name).ToArray();

        var conditions = new List<V1PodCondition>
        {
            initialized
                ? Condition(previous, Initialized, true, null, null, now)
                : Condition(previous, Initialized, false, "ContainersNotInitialized", $"containers with incomplete status: [{string.Join(' ', incomplete)}]", now),
            ReadyCondition(previous, Ready, phase, unready, now),
            ReadyCondition(previous, ContainersReady, phase, unready, now),
            Condition(previous, PodScheduled, true, null, null, now),
        };
        // Conditions set by others (readiness gates, DisruptionTarget, ...) are kept as they are.
        conditions.AddRange((previous?.Conditions ?? []).Where(c => !OwnedConditions.Contains(c.Type)));

        return new V1PodStatus
        {
            Phase = phase,
            Conditions = conditions,
            HostIP = nodeIp,
            HostIPs = [new V1HostIP { Ip = nodeIp }],
            PodIP = nodeIp,
            PodIPs = [new V1PodIP { Ip = nodeIp }],
            StartTime = ApiTime.Normalize(previous?.StartTime) ?? ApiTime.From(now),
            QosClass = previous?.QosClass,
            InitContainerStatuses = initStatuses,
            ContainerStatuses = appStatuses,
        };
    }

    // kubelet's getPhase for a pod without sidecar containers.
    private static string Phase(string? restartPolicy, IReadOnlyList<V1ContainerStatus> init, IReadOnlyList<V1ContainerStatus> app)
    {
        var pendingInitialization = 0;
        var failedInitialization = 0;
        foreach (var status in init)
        {
            if (status.State.Terminated is { } terminated)
            {
                failedInitialization += terminated.ExitCode != 0 ? 1 : 0;
            }
            else if (status.State.Waiting is not null && status.LastState.Terminated is { } last)
            {
                failedInitialization += last.ExitCode != 0 ? 1 : 0;
            }
            else
            {
                pendingInitialization++;
            }
        }

        int running = 0, waiting = 0, stopped = 0, succeeded = 0;
        foreach (var status in app)
        {
            if (status.State.Running is not null)
            {
                running++;
            }
            else if (status.State.Terminated is { } terminated)
            {
                stopped++;
                succeeded += terminated.ExitCode == 0 ? 1 : 0;
            }
            else if (status.LastState.Terminated is not null)
            {
                stopped++;
            }
            else
            {
                waiting++;
            }
        }

        if (failedInitialization > 0 && restartPolicy == "Never")
        {
            return Failed;
        }

        var anyAppStarted = app.Any(s => s.State.Running is not null || s.State.Terminated is not null || s.LastState.Terminated is not null);
        if ((pendingInitialization > 0 && !anyAppStarted) || waiting > 0)
        {
            return Pending;
        }

        if (running > 0)
        {
            return Running;
        }

        if (stopped > 0)
        {
            return restartPolicy switch
            {
                "Never" or "OnFailure" when stopped == succeeded => Succeeded,
                "Never" => Failed,
                _ => Running,
            };
        }

        return Pending;
    }

    private static V1PodCondition ReadyCondition(V1PodStatus? previous, string type, string phase, string[] unready, DateTimeOffset now)
    {
        if (phase == Succeeded)
        {
            return Condition(previous, type, false, "PodCompleted", null, now);
        }

        return unready.Length == 0
            ? Condition(previous, type, true, null, null, now)
            : Condition(previous, type, false, "ContainersNotReady", $"containers with unready status: [{string.Join(' ', unready)}]", now);
    }

    // lastTransitionTime moves only when the status does.
    private static V1PodCondition Condition(V1PodStatus? previous, string type, bool status, string? reason, string? message, DateTimeOffset now)
    {
        var value = status ? "True" : "False";
        var before = ConditionOf(previous, type);
        return new V1PodCondition
        {
            Type = type,
            Status = value,
            Reason = reason,
            Message = message,
            LastTransitionTime = before?.Status == value ? ApiTime.Normalize(before.LastTransitionTime) ?? ApiTime.From(now) : ApiTime.From(now),
        };
    }

    private static V1PodCondition? ConditionOf(V1PodStatus? status, string type) =>
        status?.Conditions?.FirstOrDefault(c => c.Type == type);
}
