// UnitState values for the status tests, named after the moment in a unit's life they show.
using Vks.Systemd.Manager;

namespace Vks.Node.Tests.Status;

internal static class Units
{
    public const string Name = "vks.default.web.app.service";

    public static readonly DateTimeOffset Started = new(2025, 3, 1, 12, 0, 0, 250, TimeSpan.Zero);
    public static readonly DateTimeOffset Exited = new(2025, 3, 1, 12, 5, 30, 900, TimeSpan.Zero);
    public static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 6, 0, 0, TimeSpan.Zero);

    public static UnitState State(
        UnitActiveState active,
        string sub,
        ServiceResult result = ServiceResult.Success,
        ChildExitCode code = ChildExitCode.None,
        int status = 0,
        uint pid = 0,
        bool started = true,
        uint restarts = 0) =>
        new(
            Name,
            UnitLoadState.Loaded,
            active,
            sub,
            started ? Guid.Parse("0f6b2f4e-52a8-4c4b-9d6c-3b7e1f0a9c11") : null,
            result,
            pid,
            code,
            status,
            started ? Started : null,
            code == ChildExitCode.None ? null : Exited,
            restarts);

    public static UnitState Loaded() => State(UnitActiveState.Inactive, "dead", started: false);

    public static UnitState Running(uint restarts = 0) => State(UnitActiveState.Active, "running", pid: 4242, restarts: restarts);

    public static UnitState Exited0() => State(UnitActiveState.Active, "exited", code: ChildExitCode.Exited, status: 0, pid: 4242);

    public static UnitState Failed(int status) =>
        State(UnitActiveState.Failed, "failed", ServiceResult.ExitCode, ChildExitCode.Exited, status, pid: 4242);

    public static UnitState AutoRestart(int status, uint restarts) =>
        State(UnitActiveState.Activating, "auto-restart", ServiceResult.ExitCode, ChildExitCode.Exited, status, pid: 4242, restarts: restarts);
}
