// SystemdManager against a fake systemd on a private dbus-daemon: the calls it makes, how it reports NoSuchUnit and
// each job result, JobRemoved racing the reply, and unit watches fed by PropertiesChanged.
using System.Threading.Channels;
using Vks.Systemd.DBus;
using Vks.Systemd.Manager;
using Vks.Systemd.Tests.DBus;

namespace Vks.Systemd.Tests.Manager;

public sealed class SystemdManagerTests(PrivateBusFixture fixture) : IClassFixture<PrivateBusFixture>
{
    private const string Web = "vks-default-web.service";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private PrivateBus Bus => fixture.Bus;

    [Fact]
    public async Task Subscribes_once_and_a_second_manager_on_the_connection_is_already_subscribed()
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        await using DBusConnection connection = await Bus.ConnectAsync();

        await using SystemdManager first = await SystemdManager.StartAsync(connection);
        await using SystemdManager second = await SystemdManager.StartAsync(connection);

        Assert.Equal(2, systemd.CountCalls("Subscribe")); // the second answered AlreadySubscribed, which is fine
        Assert.False(second.Completion.IsCompleted);
    }

    [Fact]
    public async Task GetUnit_of_a_unit_that_is_not_loaded_is_null_and_LoadUnit_gives_the_path()
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        systemd.AddService(Web);
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);

        Assert.Null(await manager.GetUnitAsync("nope.service"));
        Assert.Equal(FakeSystemd.PathOf(Web), await manager.GetUnitAsync(Web));
        Assert.Equal(FakeSystemd.PathOf("nope.service"), await manager.LoadUnitAsync("nope.service"));
    }

    [Theory]
    [InlineData("done", JobResult.Done)]
    [InlineData("failed", JobResult.Failed)]
    [InlineData("dependency", JobResult.Dependency)]
    [InlineData("canceled", JobResult.Canceled)]
    [InlineData("timeout", JobResult.Timeout)]
    [InlineData("skipped", JobResult.Skipped)]
    [InlineData("something-new", JobResult.Unknown)]
    public async Task A_job_completes_with_the_result_JobRemoved_reports(string result, JobResult expected)
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        systemd.AddService(Web);
        systemd.JobResults[Web] = result;
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);

        SystemdJob job = await manager.StartUnitAsync(Web);
        JobOutcome outcome = await job.Completion.WaitAsync(Patience);

        Assert.Equal(expected, outcome.Result);
        Assert.Equal(job.Path, outcome.Path);
        Assert.Equal(Web, outcome.UnitName);
        Assert.Contains($"StartUnit {Web},replace", systemd.Calls);
    }

    [Fact]
    public async Task JobRemoved_sent_before_the_reply_still_completes_each_job()
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        systemd.AddService(Web);
        systemd.JobResults[Web] = "failed";
        systemd.RemoveJobsBeforeReplying = true;
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);

        SystemdJob[] jobs = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => i % 2 == 0 ? manager.StopUnitAsync(Web, JobMode.Fail) : manager.RestartUnitAsync(Web)));
        JobOutcome[] outcomes = await Task.WhenAll(jobs.Select(job => job.Completion)).WaitAsync(Patience);

        Assert.All(outcomes, outcome => Assert.Equal(JobResult.Failed, outcome.Result));
        Assert.Equal(jobs.Select(job => job.Path), outcomes.Select(outcome => outcome.Path));
        Assert.Equal(50, jobs.Select(job => job.Path).Distinct().Count());
        Assert.Equal(25, systemd.CountCalls("StopUnit"));
        Assert.Contains($"StopUnit {Web},fail", systemd.Calls);
    }

    [Fact]
    public async Task Starting_a_unit_without_a_unit_file_is_NoSuchUnit()
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);

        DBusErrorException error = await Assert.ThrowsAsync<DBusErrorException>(() => manager.StartUnitAsync("ghost.service"));

        Assert.Equal(SystemdBus.NoSuchUnitError, error.ErrorName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("web")]
    [InlineData("../etc/passwd.service")]
    [InlineData("a b.service")]
    [InlineData("-.service\0")]
    public async Task Invalid_unit_names_are_refused_before_anything_is_sent(string name)
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);
        int before = systemd.Calls.Count;

        await Assert.ThrowsAsync<ArgumentException>(() => manager.StartUnitAsync(name));
        await Assert.ThrowsAsync<ArgumentException>(() => manager.KillUnitAsync(name, KillWhom.Main, 9));
        await Assert.ThrowsAsync<ArgumentException>(() => manager.GetUnitAsync(name));
        await Assert.ThrowsAsync<ArgumentException>(() => manager.ResetFailedUnitAsync(name));

        Assert.Equal(before, systemd.Calls.Count);
    }

    [Fact]
    public async Task State_and_resource_reads_are_for_services_only()
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);

        await Assert.ThrowsAsync<ArgumentException>(() => manager.GetUnitStateAsync("multi-user.target"));
        await Assert.ThrowsAsync<ArgumentException>(() => manager.GetResourceUsageAsync("dbus.socket"));
        await Assert.ThrowsAsync<ArgumentException>(() => manager.WatchUnitAsync("run-x.scope", _ => { }, _ => { }));
    }

    [Fact]
    public async Task Kill_reset_and_reload_send_their_arguments()
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);

        await manager.KillUnitAsync(Web, KillWhom.Main, 9);
        await manager.KillUnitAsync(Web, KillWhom.All, 15);
        await manager.ResetFailedUnitAsync(Web);
        await manager.ReloadAsync();

        Assert.Equal([$"KillUnit {Web},main,9", $"KillUnit {Web},all,15", $"ResetFailedUnit {Web}", "Reload"], systemd.Calls.Skip(1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => manager.KillUnitAsync(Web, KillWhom.Main, 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => manager.KillUnitAsync(Web, KillWhom.Main, 65));
    }

    [Fact]
    public async Task At_most_64_calls_are_in_flight_and_the_rest_wait_their_turn()
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);
        systemd.HoldReloads();

        Task[] reloads = [.. Enumerable.Range(0, 200).Select(_ => manager.ReloadAsync())];
        await BusDriver.EventuallyAsync(() => Task.FromResult(systemd.CountCalls("Reload") >= 64), "64 reloads reached the fake");

        Assert.Equal(64, systemd.CountCalls("Reload")); // no slot frees up while the fake holds every reply
        systemd.ReleaseReloads();
        await Task.WhenAll(reloads).WaitAsync(Patience);
        Assert.Equal(200, systemd.CountCalls("Reload"));
    }

    [Fact]
    public async Task ListUnitsByPatterns_decodes_every_row()
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        systemd.AddService("vks-a.service", "active", "running");
        systemd.AddService("vks-b.service", "failed", "failed");
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);

        IReadOnlyList<ListedUnit> units = await manager.ListUnitsByPatternsAsync(["active", "failed"], ["vks-*.service"]);

        Assert.Contains("ListUnitsByPatterns active|failed,vks-*.service", systemd.Calls);
        Assert.Equal(
            [
                new ListedUnit("vks-a.service", "Description of vks-a.service", UnitLoadState.Loaded, UnitActiveState.Active, "running", "", FakeSystemd.PathOf("vks-a.service"), 0, "", ObjectPath.Root),
                new ListedUnit("vks-b.service", "Description of vks-b.service", UnitLoadState.Loaded, UnitActiveState.Failed, "failed", "", FakeSystemd.PathOf("vks-b.service"), 0, "", ObjectPath.Root),
            ],
            units);
    }

    [Fact]
    public async Task State_and_resource_usage_are_read_with_GetAll()
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        systemd.AddService(Web, "failed", "failed");
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);

        UnitState state = await manager.GetUnitStateAsync(Web);
        UnitResourceUsage usage = await manager.GetResourceUsageAsync(Web);

        Assert.Equal((UnitActiveState.Failed, ServiceResult.Signal, ChildExitCode.Killed, 9), (state.ActiveState, state.Result, state.ExecMainCode, state.ExecMainStatus));
        Assert.Equal(1_409_024UL, usage.MemoryCurrent);
        Assert.Null(usage.IOReadBytes);
    }

    [Fact]
    public async Task A_watch_delivers_the_first_state_then_each_signalled_change_and_nothing_of_other_units()
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        FakeUnit web = systemd.AddService(Web);
        FakeUnit other = systemd.AddService("other.service");
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);
        var states = Channel.CreateUnbounded<UnitState>();

        await using IAsyncDisposable watch = await manager.WatchUnitAsync(Web, state => states.Writer.TryWrite(state), error => states.Writer.TryComplete(error));
        Assert.True(states.Reader.TryRead(out UnitState? first), "the first state arrives before WatchUnitAsync returns");
        Assert.Equal((UnitActiveState.Inactive, "dead"), (first.ActiveState, first.SubState));

        systemd.Change(other, SystemdBus.UnitInterface, new() { ["ActiveState"] = "active", ["SubState"] = "running" });
        systemd.Change(web, SystemdBus.UnitInterface, new() { ["ActiveState"] = "activating", ["SubState"] = "start" });

        UnitState second = await states.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        Assert.Equal((UnitActiveState.Activating, "start"), (second.ActiveState, second.SubState));
        Assert.Equal(Web, second.Id);
    }

    [Fact]
    public async Task A_change_is_delivered_once_both_of_its_signals_are_in_never_half_applied()
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        FakeUnit web = systemd.AddService(Web, "activating", "start");
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);
        var states = Channel.CreateUnbounded<UnitState>();
        await using IAsyncDisposable watch = await manager.WatchUnitAsync(Web, state => states.Writer.TryWrite(state), error => states.Writer.TryComplete(error));
        Assert.True(states.Reader.TryRead(out _));

        // A quick process ended: systemd signals the Service interface, then the Unit interface. Half applied, this
        // would read as activating with its process already exited, which looks like a crash.
        systemd.Change(web, SystemdBus.ServiceInterface, new() { ["ExecMainCode"] = 1, ["ExecMainStatus"] = 0, ["Result"] = "success" });
        systemd.Change(web, SystemdBus.UnitInterface, new() { ["ActiveState"] = "inactive", ["SubState"] = "dead" });

        UnitState next = await states.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        Assert.Equal((UnitActiveState.Inactive, "dead", ChildExitCode.Exited), (next.ActiveState, next.SubState, next.ExecMainCode));
    }

    [Fact]
    public async Task A_signal_that_changes_nothing_watched_is_not_delivered()
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        FakeUnit web = systemd.AddService(Web);
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);
        var states = Channel.CreateUnbounded<UnitState>();
        await using IAsyncDisposable watch = await manager.WatchUnitAsync(Web, state => states.Writer.TryWrite(state), error => states.Writer.TryComplete(error));
        Assert.True(states.Reader.TryRead(out _));

        systemd.Change(web, SystemdBus.UnitInterface, new() { ["Description"] = "not watched", ["ActiveState"] = "inactive" });
        systemd.Change(web, SystemdBus.UnitInterface, new() { ["ActiveState"] = "activating" });

        UnitState next = await states.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        Assert.Equal(UnitActiveState.Activating, next.ActiveState);
    }

    [Fact]
    public async Task An_invalidated_watched_property_is_read_again()
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        FakeUnit web = systemd.AddService(Web);
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);
        var states = Channel.CreateUnbounded<UnitState>();
        await using IAsyncDisposable watch = await manager.WatchUnitAsync(Web, state => states.Writer.TryWrite(state), error => states.Writer.TryComplete(error));
        Assert.True(states.Reader.TryRead(out _));
        int readsBefore = systemd.CountCalls($"GetAll {web.Path} {SystemdBus.AllInterfaces}");

        // Sent as systemd sends a change: the Service interface, then the Unit interface. The state holds the sent and
        // the re-read value together, never the sent one with the stale one.
        FakeSystemd.ChangeSilently(web, SystemdBus.ServiceInterface, "NRestarts", 7u);
        systemd.Change(web, SystemdBus.ServiceInterface, new() { ["ExecMainPID"] = 4242u }, "ExecStart", "NRestarts");
        systemd.EmitPropertiesChanged(web, SystemdBus.UnitInterface, []);

        UnitState next = await states.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        Assert.Equal((7u, 4242u), (next.NRestarts, next.ExecMainPid));
        Assert.Equal(readsBefore + 1, systemd.CountCalls($"GetAll {web.Path} {SystemdBus.AllInterfaces}"));
    }

    [Fact]
    public async Task A_property_of_the_wrong_type_stops_the_watch_and_says_which()
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        FakeUnit web = systemd.AddService(Web);
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);
        var stopped = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using IAsyncDisposable watch = await manager.WatchUnitAsync(Web, _ => { }, error => stopped.TrySetResult(error));

        systemd.EmitPropertiesChanged(web, SystemdBus.UnitInterface, new() { ["ActiveState"] = 3u });

        FormatException error = Assert.IsType<FormatException>(await stopped.Task.WaitAsync(Patience));
        Assert.Contains("ActiveState", error.Message, StringComparison.Ordinal);
        Assert.False(manager.Completion.IsCompleted); // the manager and its other watches carry on
    }

    [Fact]
    public async Task A_callback_that_throws_stops_only_its_watch()
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        FakeUnit web = systemd.AddService(Web);
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);
        var stopped = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var healthy = Channel.CreateUnbounded<UnitState>();
        int calls = 0;
        await using IAsyncDisposable faulty = await manager.WatchUnitAsync(
            Web, _ => { if (Interlocked.Increment(ref calls) > 1) { throw new InvalidOperationException("callback bug"); } }, error => stopped.TrySetResult(error));
        await using IAsyncDisposable other = await manager.WatchUnitAsync(Web, state => healthy.Writer.TryWrite(state), error => healthy.Writer.TryComplete(error));
        Assert.True(healthy.Reader.TryRead(out _));

        systemd.Change(web, SystemdBus.UnitInterface, new() { ["ActiveState"] = "activating" });

        Assert.Equal("callback bug", (await stopped.Task.WaitAsync(Patience)).Message);
        Assert.Equal(UnitActiveState.Activating, (await healthy.Reader.ReadAsync().AsTask().WaitAsync(Patience)).ActiveState);
        systemd.Change(web, SystemdBus.UnitInterface, new() { ["ActiveState"] = "active" });
        Assert.Equal(UnitActiveState.Active, (await healthy.Reader.ReadAsync().AsTask().WaitAsync(Patience)).ActiveState);
    }

    [Fact]
    public async Task A_disposed_watch_gets_nothing_more()
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        FakeUnit web = systemd.AddService(Web);
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);
        var disposedStates = Channel.CreateUnbounded<UnitState>();
        var liveStates = Channel.CreateUnbounded<UnitState>();
        IAsyncDisposable disposed = await manager.WatchUnitAsync(Web, state => disposedStates.Writer.TryWrite(state), _ => { });
        await using IAsyncDisposable live = await manager.WatchUnitAsync(Web, state => liveStates.Writer.TryWrite(state), _ => { });
        Assert.True(disposedStates.Reader.TryRead(out _));
        Assert.True(liveStates.Reader.TryRead(out _));

        await disposed.DisposeAsync();
        systemd.Change(web, SystemdBus.UnitInterface, new() { ["ActiveState"] = "activating" });

        // The live watch shares the signal task: once it has the change, the disposed one has been passed over.
        Assert.Equal(UnitActiveState.Activating, (await liveStates.Reader.ReadAsync().AsTask().WaitAsync(Patience)).ActiveState);
        Assert.False(disposedStates.Reader.TryRead(out _));
    }

    [Fact]
    public async Task When_systemd_comes_back_the_manager_subscribes_again_and_watches_read_again()
    {
        FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        systemd.AddService(Web);
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);
        var resubscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        manager.Resubscribed += () => resubscribed.TrySetResult();
        var states = Channel.CreateUnbounded<UnitState>();
        await using IAsyncDisposable watch = await manager.WatchUnitAsync(Web, state => states.Writer.TryWrite(state), error => states.Writer.TryComplete(error));
        Assert.True(states.Reader.TryRead(out _));

        // daemon-reexec: systemd leaves the bus and comes back on a new connection, whose serials start again.
        await systemd.DisposeAsync();
        await using FakeSystemd reexecuted = await FakeSystemd.StartAsync(Bus, fake => fake.AddService(Web, "active", "running"));
        await resubscribed.Task.WaitAsync(Patience);

        Assert.Equal(1, reexecuted.CountCalls("Subscribe"));
        UnitState reread = await states.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        Assert.Equal(UnitActiveState.Active, reread.ActiveState);
        Assert.False(manager.Completion.IsCompleted);
    }

    [Fact]
    public async Task After_a_bus_restart_the_manager_subscribes_again_pending_jobs_fail_and_watches_read_again()
    {
        await using PrivateBus bus = await PrivateBus.StartAsync();
        FakeSystemd systemd = await FakeSystemd.StartAsync(bus);
        systemd.AddService(Web);
        systemd.KeepJobsPending = true;
        await using var connection = new ReconnectingDBusConnection(bus.Address, reconnect: new ReconnectOptions { InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(200) });
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);
        var resubscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        manager.Resubscribed += () => resubscribed.TrySetResult();
        var states = Channel.CreateUnbounded<UnitState>();
        await using IAsyncDisposable watch = await manager.WatchUnitAsync(Web, state => states.Writer.TryWrite(state), error => states.Writer.TryComplete(error));
        Assert.True(states.Reader.TryRead(out _));
        SystemdJob pending = await manager.StartUnitAsync(Web);

        await bus.KillAsync();
        await Assert.ThrowsAsync<DBusConnectionClosedException>(() => pending.Completion.WaitAsync(Patience));
        await systemd.DisposeAsync();
        await bus.RestartAsync();
        FakeUnit? web = null;
        await using FakeSystemd restarted = await FakeSystemd.StartAsync(bus, fake => web = fake.AddService(Web, "failed", "failed"));
        await resubscribed.Task.WaitAsync(Patience);

        Assert.Equal(UnitActiveState.Failed, (await states.Reader.ReadAsync().AsTask().WaitAsync(Patience)).ActiveState);
        Assert.True(restarted.CountCalls("Subscribe") >= 1);
        SystemdJob after = await manager.StartUnitAsync(Web);
        Assert.Equal(JobResult.Done, (await after.Completion.WaitAsync(Patience)).Result);
        restarted.Change(web!, SystemdBus.UnitInterface, new() { ["ActiveState"] = "active", ["SubState"] = "running" });
        Assert.Equal(UnitActiveState.Active, (await states.Reader.ReadAsync().AsTask().WaitAsync(Patience)).ActiveState);
    }

    [Fact]
    public async Task When_a_plain_connection_closes_the_manager_stops_and_so_do_its_jobs_and_watches()
    {
        await using PrivateBus bus = await PrivateBus.StartAsync();
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(bus);
        systemd.AddService(Web);
        systemd.KeepJobsPending = true;
        await using DBusConnection connection = await bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);
        var stopped = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using IAsyncDisposable watch = await manager.WatchUnitAsync(Web, _ => { }, error => stopped.TrySetResult(error));
        SystemdJob pending = await manager.StartUnitAsync(Web);

        await bus.KillAsync();

        await Assert.ThrowsAsync<DBusConnectionClosedException>(() => manager.Completion.WaitAsync(Patience));
        await Assert.ThrowsAsync<DBusConnectionClosedException>(() => pending.Completion.WaitAsync(Patience));
        Assert.IsType<DBusConnectionClosedException>(await stopped.Task.WaitAsync(Patience));
        await Assert.ThrowsAsync<InvalidOperationException>(() => manager.StartUnitAsync(Web));
    }
}
