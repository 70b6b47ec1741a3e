using Vks.Systemd.DBus;

namespace Vks.Systemd.Manager;

/// <summary>A job systemd queued for StartUnit, StopUnit or RestartUnit. <see cref="Completion"/> completes with the
/// job's outcome when systemd removes the job (the JobRemoved signal). It fails with
/// <see cref="DBusConnectionClosedException"/> when the connection to the bus was lost while the job was pending,
/// because the signal may have been missed: read the unit's state instead.</summary>
public sealed record SystemdJob(ObjectPath Path, string UnitName, Task<JobOutcome> Completion);

/// <summary>What JobRemoved said about a finished job.</summary>
public sealed record JobOutcome(uint Id, ObjectPath Path, string UnitName, JobResult Result);

/// <summary>The result of a job, as JobRemoved reports it. <see cref="Unknown"/> stands for a value this version of
/// vks does not know.</summary>
public enum JobResult
{
    Unknown,

    /// <summary>The job did what it was asked to.</summary>
    Done,

    /// <summary>Cancelled before it finished (e.g. replaced by a conflicting job).</summary>
    Canceled,

    /// <summary>The unit's start or stop timeout expired.</summary>
    Timeout,

    /// <summary>The unit failed (for a start: it did not become active).</summary>
    Failed,

    /// <summary>A job this one depended on failed.</summary>
    Dependency,

    /// <summary>Nothing to do: e.g. a start condition was not met.</summary>
    Skipped,

    /// <summary>The job type does not apply to the unit's state.</summary>
    Invalid,

    /// <summary>A start assertion failed.</summary>
    Assert,

    /// <summary>The unit type does not support the job (e.g. starting a unit of a type the system lacks).</summary>
    Unsupported,

    /// <summary>The job was garbage-collected without running.</summary>
    Collected,

    /// <summary>The unit can run only once (a scope) and already has.</summary>
    Once,
}

/// <summary>How systemd should queue a job relative to jobs already queued (the "mode" argument).</summary>
public enum JobMode
{
    /// <summary>Replace conflicting queued jobs ("replace").</summary>
    Replace,

    /// <summary>Fail if the job would conflict with a queued job ("fail").</summary>
    Fail,

    /// <summary>Replace, and let no later job replace this one ("replace-irreversibly").</summary>
    ReplaceIrreversibly,

    /// <summary>Ignore all dependencies of the unit ("ignore-dependencies").</summary>
    IgnoreDependencies,

    /// <summary>Ignore requirement dependencies, honour ordering ("ignore-requirements").</summary>
    IgnoreRequirements,
}

/// <summary>Which processes of a unit KillUnit signals (the "whom" argument).</summary>
public enum KillWhom
{
    /// <summary>The main process only ("main").</summary>
    Main,

    /// <summary>The control process (ExecStartPre= and the like) only ("control").</summary>
    Control,

    /// <summary>Every process of the unit ("all").</summary>
    All,
}

internal static class JobNames
{
    public static string ToText(JobMode mode) => mode switch
    {
        JobMode.Replace => "replace",
        JobMode.Fail => "fail",
        JobMode.ReplaceIrreversibly => "replace-irreversibly",
        JobMode.IgnoreDependencies => "ignore-dependencies",
        JobMode.IgnoreRequirements => "ignore-requirements",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Not a job mode."),
    };

    public static string ToText(KillWhom whom) => whom switch
    {
        KillWhom.Main => "main",
        KillWhom.Control => "control",
        KillWhom.All => "all",
        _ => throw new ArgumentOutOfRangeException(nameof(whom), whom, "Not a KillUnit target."),
    };

    public static JobResult ParseResult(string text) => text switch
    {
        "done" => JobResult.Done,
        "canceled" => JobResult.Canceled,
        "timeout" => JobResult.Timeout,
        "failed" => JobResult.Failed,
        "dependency" => JobResult.Dependency,
        "skipped" => JobResult.Skipped,
        "invalid" => JobResult.Invalid,
        "assert" => JobResult.Assert,
        "unsupported" => JobResult.Unsupported,
        "collected" => JobResult.Collected,
        "once" => JobResult.Once,
        _ => JobResult.Unknown,
    };
}
