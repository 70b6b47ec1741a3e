// The node's conditions. Ready is True only once vks has synced with both systemd and the API server; the
// pressure conditions use kubelet's default hard eviction thresholds:
//   MemoryPressure  memory.available < 100Mi       (MemAvailable from /proc/meminfo)
//   DiskPressure    nodefs.available < 10%, or nodefs.inodesFree < 5%   (the filesystem holding /var)
//   PIDPressure     fewer than 10% of pid_max free  (kubelet has no default here; this is vks' choice)
// lastTransitionTime moves only when a condition's status does; lastHeartbeatTime is always now, and
// Differs ignores it, so the NodeSupervisor patches on change and otherwise once a minute.
using k8s.Models;
using Vks.Node.Status;

namespace Vks.Node.Nodes;

public static class NodeConditionsBuilder
{
    public const long MemoryAvailableThresholdBytes = 100L * 1024 * 1024;
    public const double DiskAvailableThreshold = 0.10;
    public const double InodesFreeThreshold = 0.05;
    public const double PidAvailableThreshold = 0.10;

    public static IList<V1NodeCondition> Build(
        IList<V1NodeCondition>? previous,
        HostUsage usage,
        bool synced,
        string? notSyncedMessage,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var memoryPressure = usage.MemoryAvailableBytes < MemoryAvailableThresholdBytes;
        var diskPressure = usage.VarAvailableBytes < usage.VarTotalBytes * DiskAvailableThreshold
            || (usage.VarInodesTotal > 0 && usage.VarInodesFree < usage.VarInodesTotal * InodesFreeThreshold);
        var pidPressure = usage.PidMax - usage.RunningTasks < usage.PidMax * PidAvailableThreshold;
        return
        [
            synced
                ? Condition(previous, "Ready", true, "KubeletReady", "vks is posting ready status", now)
                : Condition(previous, "Ready", false, "KubeletNotReady", notSyncedMessage ?? "vks has not synced with systemd and the API server yet", now),
            memoryPressure
                ? Condition(previous, "MemoryPressure", true, "KubeletHasInsufficientMemory", "memory available is below 100Mi", now)
                : Condition(previous, "MemoryPressure", false, "KubeletHasSufficientMemory", "vks has sufficient memory available", now),
            diskPressure
                ? Condition(previous, "DiskPressure", true, "KubeletHasDiskPressure", "less than 10% of the space or 5% of the inodes of /var is free", now)
                : Condition(previous, "DiskPressure", false, "KubeletHasNoDiskPressure", "vks has no disk pressure", now),
            pidPressure
                ? Condition(previous, "PIDPressure", true, "KubeletHasInsufficientPID", "less than 10% of pid_max is free", now)
                : Condition(previous, "PIDPressure", false, "KubeletHasSufficientPID", "vks has sufficient PID available", now),
        ];
    }

    /// <summary>Whether <paramref name="next"/> says anything <paramref name="written"/> did not; heartbeats do not count.</summary>
    public static bool Differs(IList<V1NodeCondition>? written, IList<V1NodeCondition> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        static string Key(V1NodeCondition c) =>
            string.Join('\0', c.Type, c.Status, c.Reason, c.Message, ApiTime.Normalize(c.LastTransitionTime)?.Ticks);
        return !(written ?? []).Select(Key).Order(StringComparer.Ordinal)
            .SequenceEqual(next.Select(Key).Order(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    private static V1NodeCondition Condition(IList<V1NodeCondition>? previous, string type, bool status, string reason, string message, DateTimeOffset now)
    {
        var value = status ? "True" : "False";
        var before = previous?.FirstOrDefault(c => c.Type == type);
        return new V1NodeCondition
        {
            Type = type,
            Status = value,
            Reason = reason,
            Message = message,
            LastHeartbeatTime = ApiTime.From(now),
            LastTransitionTime = before?.Status == value ? ApiTime.Normalize(before.LastTransitionTime) ?? ApiTime.From(now) : ApiTime.From(now),
        };
    }
}
