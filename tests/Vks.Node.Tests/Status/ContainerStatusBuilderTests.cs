// Unit state (and image state) -> container status, row by row of the table in docs/unit-mapping.md.
using k8s.Models;
using Vks.Node.Pods;
using Vks.Node.Status;
using Vks.Systemd.Manager;

namespace Vks.Node.Tests.Status;

public sealed class ContainerStatusBuilderTests
{
    private static readonly V1Container App = new() { Name = "app", Image = "uptimed" };

    private static readonly DateTime StartedSecond = new(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime ExitedSecond = new(2025, 3, 1, 12, 5, 30, DateTimeKind.Utc);

    private static V1ContainerStatus Build(
        UnitState? unit,
        bool isInit = false,
        string? restartPolicy = null,
        V1ContainerStatus? previous = null,
        Func<ContainerObservation, ContainerObservation>? with = null)
    {
        var observation = new ContainerObservation
        {
            Name = "app",
            UnitName = unit is null ? null : Units.Name,
            Unit = unit,
            Image = ImagePhase.Pulled,
            ImageId = "deb://uptimed=1:0.4.6-3",
        };
        return ContainerStatusBuilder.Build(App, isInit, restartPolicy, with is null ? observation : with(observation), previous, Units.Now);
    }

    [Fact]
    public void Waits_in_ContainerCreating_until_the_unit_runs()
    {
        foreach (var unit in new[] { null, Units.Loaded(), Units.State(UnitActiveState.Activating, "start-pre", started: false) })
        {
            var status = Build(unit);
            Assert.Equal(ContainerStatusBuilder.ContainerCreating, status.State.Waiting?.Reason);
            Assert.False(status.Ready);
            Assert.False(status.Started);
            Assert.Equal(0, status.RestartCount);
            Assert.Equal("uptimed", status.Image);
            // Like kubelet: no container or image ID before the first run, however far creating has got.
            Assert.Null(status.ContainerID);
            Assert.Equal("", status.ImageID);
        }
    }

    [Fact]
    public void Is_Running_and_ready_while_the_unit_is_active()
    {
        var status = Build(Units.Running(restarts: 3));

        Assert.Equal(StartedSecond, status.State.Running?.StartedAt);
        Assert.True(status.Ready);
        Assert.True(status.Started);
        Assert.Equal(3, status.RestartCount);
        Assert.Equal("systemd://" + Units.Name, status.ContainerID);
        Assert.Equal("deb://uptimed=1:0.4.6-3", status.ImageID);
    }

    [Fact]
    public void Is_Running_but_not_ready_before_a_notify_daemon_says_READY()
    {
        var status = Build(Units.State(UnitActiveState.Activating, "start", pid: 4242));

        Assert.NotNull(status.State.Running);
        Assert.False(status.Ready);
    }

    [Fact]
    public void Waits_in_ContainerCreating_while_a_Type_exec_unit_is_between_fork_and_exec()
    {
        var starting = Build(Units.State(UnitActiveState.Activating, "start", pid: 4242), with: o => o with { StartsOnExec = true });

        Assert.Equal(ContainerStatusBuilder.ContainerCreating, starting.State.Waiting?.Reason);
        Assert.False(starting.Ready);
        Assert.Null(starting.ContainerID);
    }

    [Fact]
    public void A_Type_exec_unit_running_its_ExecStartPost_is_Running_but_not_ready()
    {
        // The main process runs (it was exec'd); the unit waits for ExecStartPost= before it is active.
        var status = Build(Units.State(UnitActiveState.Activating, "start-post", pid: 4242), with: o => o with { StartsOnExec = true });

        Assert.NotNull(status.State.Running);
        Assert.False(status.Ready);
    }

    [Fact]
    public void A_restarting_Type_exec_unit_between_fork_and_exec_keeps_the_crash_as_lastState()
    {
        var crash = new V1ContainerStateTerminated { ExitCode = 1, Reason = ContainerStatusBuilder.Error };
        var status = Build(
            Units.State(UnitActiveState.Activating, "start", pid: 4243, restarts: 1),
            with: o => o with { StartsOnExec = true, LastTermination = crash });

        Assert.Equal(ContainerStatusBuilder.ContainerCreating, status.State.Waiting?.Reason);
        Assert.Equal(1, status.LastState?.Terminated?.ExitCode);
    }

    [Fact]
    public void Is_Running_but_not_ready_while_stopping()
    {
        var status = Build(Units.State(UnitActiveState.Deactivating, "stop-sigterm", pid: 4242));

        Assert.NotNull(status.State.Running);
        Assert.False(status.Ready);
    }

    public static TheoryData<UnitState, int, int?, string> Terminations() => new()
    {
        { Units.Exited0(), 0, null, ContainerStatusBuilder.Completed },
        { Units.Failed(3), 3, null, ContainerStatusBuilder.Error },
        { Units.State(UnitActiveState.Inactive, "dead", ServiceResult.Success, ChildExitCode.Killed, 15, 4242), 143, 15, ContainerStatusBuilder.Error },
        { Units.State(UnitActiveState.Failed, "failed", ServiceResult.OomKill, ChildExitCode.Killed, 9, 4242), 137, 9, ContainerStatusBuilder.OomKilled },
        { Units.State(UnitActiveState.Failed, "failed", ServiceResult.CoreDump, ChildExitCode.Dumped, 11, 4242), 139, 11, ContainerStatusBuilder.Error },
        { Units.Failed(203), 203, null, ContainerStatusBuilder.StartError },
    };

    [Theory]
    [MemberData(nameof(Terminations))]
    public void Is_Terminated_with_the_exit_code_signal_and_reason_of_the_main_process(UnitState unit, int exitCode, int? signal, string reason)
    {
        var terminated = Build(unit, restartPolicy: "Never").State.Terminated;

        Assert.NotNull(terminated);
        Assert.Equal(exitCode, terminated.ExitCode);
        Assert.Equal(signal, terminated.Signal);
        Assert.Equal(reason, terminated.Reason);
        Assert.Equal(StartedSecond, terminated.StartedAt);
        Assert.Equal(ExitedSecond, terminated.FinishedAt);
        Assert.Equal("systemd://" + Units.Name, terminated.ContainerID);
    }

    [Fact]
    public void A_unit_that_failed_before_its_main_process_ran_is_a_StartError()
    {
        var terminated = Build(Units.State(UnitActiveState.Failed, "failed", ServiceResult.ExitCode, started: false)).State.Terminated;

        Assert.Equal(ContainerStatusBuilder.StartError, terminated?.Reason);
        Assert.Equal(128, terminated?.ExitCode);
        Assert.Contains("ExitCode", terminated?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Waits_in_CrashLoopBackOff_during_auto_restart_with_the_crash_as_lastState()
    {
        var status = Build(Units.AutoRestart(1, restarts: 4), with: o => o with { RestartDelay = TimeSpan.FromSeconds(160) });

        Assert.Equal(ContainerStatusBuilder.CrashLoopBackOff, status.State.Waiting?.Reason);
        Assert.Equal($"back-off 2m40s restarting failed container=app unit={Units.Name}", status.State.Waiting?.Message);
        Assert.Equal(1, status.LastState.Terminated?.ExitCode);
        Assert.Equal(ContainerStatusBuilder.Error, status.LastState.Terminated?.Reason);
        Assert.Equal(4, status.RestartCount);
        Assert.False(status.Ready);
        // Waiting after a run: the container and image IDs of that run stay, as kubelet shows them.
        Assert.Equal("systemd://" + Units.Name, status.ContainerID);
        Assert.Equal("deb://uptimed=1:0.4.6-3", status.ImageID);
    }

    [Fact]
    public void Keeps_the_written_lastState_while_no_restart_happened_since()
    {
        var crash = new V1ContainerStateTerminated { ExitCode = 2, Reason = "Error" };
        var previous = new V1ContainerStatus { Name = "app", RestartCount = 4, LastState = new V1ContainerState { Terminated = crash } };

        Assert.Same(crash, Build(Units.Running(restarts: 4), previous: previous).LastState.Terminated);
        Assert.Null(Build(Units.Running(restarts: 5), previous: previous).LastState.Terminated);
        var captured = new V1ContainerStateTerminated { ExitCode = 7 };
        Assert.Same(captured, Build(Units.Running(restarts: 5), previous: previous, with: o => o with { LastTermination = captured }).LastState.Terminated);
    }

    [Fact]
    public void Keeps_the_written_termination_when_systemd_unloaded_the_finished_unit()
    {
        var written = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed" };
        var previous = new V1ContainerStatus { Name = "app", State = new V1ContainerState { Terminated = written } };

        Assert.Same(written, Build(Units.Loaded(), restartPolicy: "OnFailure", previous: previous).State.Terminated);
    }

    [Fact]
    public void A_failed_init_container_waits_for_its_retry_unless_the_pod_never_restarts()
    {
        var retried = Build(Units.Failed(1), isInit: true, restartPolicy: "Always", with: o => o with { ActorRestarts = 2 });
        Assert.Equal(ContainerStatusBuilder.CrashLoopBackOff, retried.State.Waiting?.Reason);
        Assert.Equal(1, retried.LastState.Terminated?.ExitCode);
        Assert.Equal(2, retried.RestartCount);

        var final = Build(Units.Failed(1), isInit: true, restartPolicy: "Never");
        Assert.Equal(1, final.State.Terminated?.ExitCode);
    }

    [Fact]
    public void A_completed_init_container_is_ready()
    {
        var status = Build(Units.Exited0(), isInit: true);

        Assert.Equal(ContainerStatusBuilder.Completed, status.State.Terminated?.Reason);
        Assert.True(status.Ready);
        Assert.False(status.Started);
    }

    [Fact]
    public void Image_and_translation_problems_take_precedence_over_the_unit()
    {
        var invalid = Build(Units.Running(), with: o => o with { TranslationFailure = new TranslationFailure(TranslationFailure.InvalidImageName, "bad image") });
        Assert.Equal((TranslationFailure.InvalidImageName, "bad image"), (invalid.State.Waiting?.Reason, invalid.State.Waiting?.Message));

        var failed = Build(null, with: o => o with { Image = ImagePhase.Failed, ImageMessage = "E: Unable to locate package nosuch" });
        Assert.Equal((ContainerStatusBuilder.ErrImagePull, "E: Unable to locate package nosuch"), (failed.State.Waiting?.Reason, failed.State.Waiting?.Message));

        var backOff = Build(null, with: o => o with { Image = ImagePhase.BackOff, ImageMessage = "E: Unable to locate package nosuch" });
        Assert.Equal(ContainerStatusBuilder.ImagePullBackOff, backOff.State.Waiting?.Reason);
        Assert.Equal("Back-off pulling image \"uptimed\": E: Unable to locate package nosuch", backOff.State.Waiting?.Message);

        var never = Build(null, with: o => o with { Image = ImagePhase.NeverPullMissing });
        Assert.Equal(ContainerStatusBuilder.ErrImageNeverPull, never.State.Waiting?.Reason);
    }

    [Fact]
    public void TerminationOf_is_null_while_the_main_process_runs()
    {
        Assert.Null(ContainerStatusBuilder.TerminationOf(Units.Running(), Units.Name));
        Assert.Null(ContainerStatusBuilder.TerminationOf(Units.Loaded(), Units.Name));
        Assert.Equal(3, ContainerStatusBuilder.TerminationOf(Units.Failed(3), Units.Name)?.ExitCode);
    }
}
