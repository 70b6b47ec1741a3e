// The state of one service unit as vks sees it: the Unit and Service properties that say whether the container
// runs, how its last run ended and which run it is. Built from GetAll and kept current by PropertiesChanged.
using Vks.Systemd.DBus;

namespace Vks.Systemd.Manager;

/// <param name="Id">The unit's primary name (Unit.Id).</param>
/// <param name="SubState">The type-specific state, e.g. "running", "exited", "auto-restart", "dead", "failed".</param>
/// <param name="InvocationId">The current run (Unit.InvocationID); null before the first start. Its "N" format is the
/// 32 hex digits journald records as _SYSTEMD_INVOCATION_ID.</param>
/// <param name="Result">How the service's last run ended (Service.Result).</param>
/// <param name="ExecMainPid">The pid of the last main process (0 when none was started).</param>
/// <param name="ExecMainCode">How the last main process ended (a CLD_* code); <see cref="ChildExitCode.None"/> while it runs.</param>
/// <param name="ExecMainStatus">Its exit status for <see cref="ChildExitCode.Exited"/>, its signal number for
/// <see cref="ChildExitCode.Killed"/> and <see cref="ChildExitCode.Dumped"/>.</param>
/// <param name="NRestarts">Automatic restarts (Restart=) since the unit was last started by hand.</param>
public sealed record UnitState(
    string Id,
    UnitLoadState LoadState,
    UnitActiveState ActiveState,
    string SubState,
    Guid? InvocationId,
    ServiceResult Result,
    uint ExecMainPid,
    ChildExitCode ExecMainCode,
    int ExecMainStatus,
    DateTimeOffset? ExecMainStartTimestamp,
    DateTimeOffset? ExecMainExitTimestamp,
    uint NRestarts)
{
    /// <summary>The invocation ID as journald writes it (32 lower-case hex digits), for <c>JournalQuery.InvocationId</c>.</summary>
    public string? InvocationIdHex => InvocationId?.ToString("N");
}

/// <summary>Unit.LoadState. <see cref="Unknown"/> stands for a value this version of vks does not know.</summary>
public enum UnitLoadState
{
    Unknown,
    Stub,
    Loaded,
    NotFound,
    BadSetting,
    Error,
    Merged,
    Masked,
}

/// <summary>Unit.ActiveState. <see cref="Unknown"/> stands for a value this version of vks does not know.</summary>
public enum UnitActiveState
{
    Unknown,
    Active,
    Reloading,
    Inactive,
    Failed,
    Activating,
    Deactivating,
    Maintenance,
    Refreshing,
}

/// <summary>Service.Result. <see cref="Unknown"/> stands for a value this version of vks does not know.</summary>
public enum ServiceResult
{
    Unknown,
    Success,
    Protocol,
    Timeout,
    ExitCode,
    Signal,
    CoreDump,
    Watchdog,
    StartLimitHit,
    Resources,
    OomKill,
    SkipCondition,
}

/// <summary>Service.ExecMainCode: the si_code of the main process's SIGCHLD (CLD_* in signal.h), so the numbers
/// are the kernel's.</summary>
public enum ChildExitCode
{
    None = 0,
    Exited = 1,
    Killed = 2,
    Dumped = 3,
    Trapped = 4,
    Stopped = 5,
    Continued = 6,
}

/// <summary>The resource counters of a service's cgroup. systemd does not signal changes of these, so they are
/// read on demand (GetAll). Null means systemd reports "not available" (UINT64_MAX): accounting is off, or the
/// unit has no cgroup because it is not running.</summary>
public sealed record UnitResourceUsage(
    ulong? MemoryCurrent,
    ulong? CpuUsageNSec,
    ulong? TasksCurrent,
    ulong? IOReadBytes,
    ulong? IOWriteBytes);

/// <summary>One row of ListUnitsByPatterns.</summary>
/// <param name="Following">The unit this one follows in state, or empty.</param>
/// <param name="JobId">The queued job's id, 0 when there is none.</param>
public sealed record ListedUnit(
    string Name,
    string Description,
    UnitLoadState LoadState,
    UnitActiveState ActiveState,
    string SubState,
    string Following,
    ObjectPath UnitPath,
    uint JobId,
    string JobType,
    ObjectPath JobPath);
