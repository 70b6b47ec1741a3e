// Which InvocationID `kubectl logs` shows, with and without --previous, against the kubelet's choice of container.
using k8s.Models;
using Vks.Node.KubeletApi.Logs;
using Vks.Systemd.Manager;

namespace Vks.Node.Tests.KubeletApi.Logs;

public sealed class ContainerRunChoiceTests
{
    private const string Current = "cccccccccccccccccccccccccccccccc";
    private const string Older = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private const string Oldest = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    internal static UnitState Unit(string? invocation, UnitActiveState active = UnitActiveState.Active, string sub = "running") =>
        new("u.service", UnitLoadState.Loaded, active, sub, invocation is null ? null : Guid.ParseExact(invocation, "N"),
            ServiceResult.Success, 1, ChildExitCode.None, 0, null, null, 0);

    private static V1ContainerStatus Restarted(bool waiting = false) => new()
    {
        Name = "c",
        State = waiting ? new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff" } } : new V1ContainerState { Running = new V1ContainerStateRunning() },
        LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 1 } },
        RestartCount = 1,
    };

    private static V1ContainerStatus NeverRestarted() => new()
    {
        Name = "c",
        State = new V1ContainerState { Running = new V1ContainerStateRunning() },
        LastState = new V1ContainerState(),
    };

    private static Task<string?> Choose(bool previous, UnitState unit, V1ContainerStatus? status, IAsyncEnumerable<string> runs) =>
        ContainerRunChoice.ChooseAsync(previous, unit, status, runs, CancellationToken.None);

    [Fact]
    public async Task The_current_run_is_systemds_InvocationID_without_reading_the_journal() =>
        Assert.Equal(Current, await Choose(false, Unit(Current), null, Unreadable()));

    [Fact]
    public async Task When_systemd_forgot_the_unit_the_newest_run_in_the_journal_is_current() =>
        Assert.Equal(Older, await Choose(false, Unit(null, UnitActiveState.Inactive, "dead"), null, Runs(Older, Oldest)));

    [Fact]
    public async Task A_container_that_never_ran_has_no_run() =>
        Assert.Null(await Choose(false, Unit(null, UnitActiveState.Inactive, "dead"), null, Runs()));

    [Fact]
    public async Task Previous_is_the_run_before_the_current_one() =>
        Assert.Equal(Older, await Choose(true, Unit(Current), Restarted(), Runs(Current, Older, Oldest)));

    [Fact]
    public async Task Previous_is_found_even_when_the_current_run_has_not_logged_yet() =>
        Assert.Equal(Older, await Choose(true, Unit(Current), Restarted(), Runs(Older, Oldest)));

    [Fact]
    public async Task Previous_without_a_terminated_last_state_is_not_found_even_if_the_journal_has_older_runs()
    {
        // A pod created again under the same name: the older runs belong to the old pod.
        Assert.Null(await Choose(true, Unit(Current), NeverRestarted(), Runs(Current, Older)));
        Assert.Null(await Choose(true, Unit(Current), null, Runs(Current, Older)));
    }

    [Fact]
    public async Task Previous_with_no_older_run_in_the_journal_is_not_found() =>
        Assert.Null(await Choose(true, Unit(Current), Restarted(), Runs(Current)));

    [Fact]
    public async Task While_waiting_to_restart_previous_is_the_run_that_just_crashed_as_in_the_kubelet()
    {
        Assert.Equal(Current, await Choose(true, Unit(Current, UnitActiveState.Activating, "auto-restart"), Restarted(), Unreadable()));
        Assert.Equal(Current, await Choose(true, Unit(Current, UnitActiveState.Failed, "failed"), Restarted(waiting: true), Unreadable()));
    }

    [Fact]
    public async Task When_systemd_forgot_the_unit_previous_is_the_second_newest_run_in_the_journal() =>
        Assert.Equal(Oldest, await Choose(true, Unit(null, UnitActiveState.Inactive, "dead"), Restarted(), Runs(Older, Oldest)));

    private static async IAsyncEnumerable<string> Runs(params string[] runs)
    {
        foreach (var run in runs)
        {
            await Task.Yield();
            yield return run;
        }
    }

    // A journal that must not be read: the choice needs only systemd.
    private static async IAsyncEnumerable<string> Unreadable()
    {
        await Task.Yield();
        throw new InvalidOperationException("The journal was read.");
#pragma warning disable CS0162 // An iterator needs a yield.
        yield break;
#pragma warning restore CS0162
    }
}
