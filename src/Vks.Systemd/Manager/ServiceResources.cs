namespace Vks.Systemd.Manager;

/// <summary>One reading of a service's resource accounting, as the kubelet stats need it.</summary>
/// <param name="Usage">The cgroup counters; each is null when systemd has none ("not set": accounting is off for the
/// unit, or its controller is unavailable, or the unit is not running).</param>
/// <param name="ControlGroup">The unit's cgroup path as systemd sees it (e.g. /system.slice/x.service); null when it has
/// none because it is not running.</param>
/// <param name="StartedAt">When the current (or last) run's main process started; null if it never did.</param>
public sealed record ServiceResources(UnitResourceUsage Usage, string? ControlGroup, DateTimeOffset? StartedAt);
