// Whether a freshly built status says anything the last written one did not, so the PodActor patches the status
// subresource only on change. Only the fields vks writes are compared, times at the API server's whole-second
// precision, and an absent list equals an empty one. Fields other writers own are ignored.
using k8s;
using k8s.Models;

namespace Vks.Node.Status;

public static class PodStatusComparer
{
    public static bool Differs(V1PodStatus? written, V1PodStatus next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return written is null || Canonical(written) != Canonical(next);
    }

    private static string Canonical(V1PodStatus status) =>
        KubernetesJson.Serialize(new V1PodStatus
        {
            Phase = status.Phase,
            Conditions = (status.Conditions ?? []).Select(c => new V1PodCondition
            {
                Type = c.Type,
                Status = c.Status,
                Reason = NullIfEmpty(c.Reason),
                Message = NullIfEmpty(c.Message),
                LastTransitionTime = ApiTime.Normalize(c.LastTransitionTime),
            }).ToList(),
            HostIP = status.HostIP,
            HostIPs = (status.HostIPs ?? []).Select(h => new V1HostIP { Ip = h.Ip }).ToList(),
            PodIP = status.PodIP,
            PodIPs = (status.PodIPs ?? []).Select(p => new V1PodIP { Ip = p.Ip }).ToList(),
            StartTime = ApiTime.Normalize(status.StartTime),
            QosClass = status.QosClass,
            InitContainerStatuses = (status.InitContainerStatuses ?? []).Select(Canonical).ToList(),
            ContainerStatuses = (status.ContainerStatuses ?? []).Select(Canonical).ToList(),
        });

    private static V1ContainerStatus Canonical(V1ContainerStatus status) => new()
    {
        Name = status.Name,
        Image = status.Image,
        ImageID = NullIfEmpty(status.ImageID),
        ContainerID = NullIfEmpty(status.ContainerID),
        Ready = status.Ready,
        Started = status.Started ?? false,
        RestartCount = status.RestartCount,
        State = Canonical(status.State),
        LastState = Canonical(status.LastState),
    };

    private static V1ContainerState Canonical(V1ContainerState? state) => new()
    {
        Waiting = state?.Waiting is { } waiting
            ? new V1ContainerStateWaiting { Reason = NullIfEmpty(waiting.Reason), Message = NullIfEmpty(waiting.Message) }
            : null,
        Running = state?.Running is { } running
            ? new V1ContainerStateRunning { StartedAt = ApiTime.Normalize(running.StartedAt) }
            : null,
        Terminated = state?.Terminated is { } terminated
            ? new V1ContainerStateTerminated
            {
                ExitCode = terminated.ExitCode,
                Signal = terminated.Signal,
                Reason = NullIfEmpty(terminated.Reason),
                Message = NullIfEmpty(terminated.Message),
                StartedAt = ApiTime.Normalize(terminated.StartedAt),
                FinishedAt = ApiTime.Normalize(terminated.FinishedAt),
                ContainerID = NullIfEmpty(terminated.ContainerID),
            }
            : null,
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
