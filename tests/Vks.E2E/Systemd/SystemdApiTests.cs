// The typed systemd API against the testbed machine's real systemd, through its system bus: write a unit with
// UnitFileStore, reload, start it and await the job, see it run and die through PropertiesChanged, and read its
// log back by invocation ID. Only Vks.Systemd is used on the way to the assertions (no systemctl).
using System.Threading.Channels;
using Vks.E2E.Testbed;
using Vks.Systemd.DBus;
using Vks.Systemd.Journal;
using Vks.Systemd.Manager;
using Vks.Systemd.Units;

namespace Vks.E2E.Systemd;

[Collection(TestbedCollection.Name)]
public sealed class SystemdApiTests(TestbedFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly Testbed.Testbed _testbed = fixture.Testbed;
    private readonly List<string> _units = [];
    private DBusConnection _bus = null!;
    private SystemdManager _systemd = null!;
    private UnitFileStore _store = null!;

    public async Task InitializeAsync()
    {
        _bus = await DBusConnection.ConnectAsync(_testbed.SystemBusAddress);
        _systemd = await SystemdManager.StartAsync(_bus);
        _store = new UnitFileStore(_testbed.MachinePath("/run/systemd/system"));
    }

    public async Task DisposeAsync()
    {
        // The testbed is shared: leave no unit, file or failed state behind.
        foreach (string unit in _units)
        {
            SystemdJob stop = await _systemd.StopUnitAsync(unit);
            await stop.Completion.WaitAsync(Patience);
            try
            {
                await _systemd.ResetFailedUnitAsync(unit);
            }
            catch (DBusErrorException ex) when (ex.ErrorName == SystemdBus.NoSuchUnitError)
            {
                // Stopped and already unloaded: no failed state is left to reset.
            }

            await _store.RemoveAsync(unit);
        }

        if (_units.Count > 0)
        {
            await _systemd.ReloadAsync();
        }

        await _systemd.DisposeAsync();
        await _bus.DisposeAsync();
    }

    [Fact]
    public async Task A_unit_starts_runs_is_killed_and_its_log_is_read_back_by_invocation()
    {
        string unit = await WriteUnitAsync("/bin/sh", "-c", "echo \"first line of $0\"; echo 'second line'; exec sleep infinity");
        var states = Channel.CreateUnbounded<UnitState>();
        await using IAsyncDisposable watch = await _systemd.WatchUnitAsync(unit, state => states.Writer.TryWrite(state), error => states.Writer.TryComplete(error));
        UnitState loaded = await NextAsync(states, _ => true);
        Assert.Equal((UnitLoadState.Loaded, UnitActiveState.Inactive, "dead"), (loaded.LoadState, loaded.ActiveState, loaded.SubState));

        // 1. Start and await the job's result (JobRemoved).
        SystemdJob job = await _systemd.StartUnitAsync(unit);
        JobOutcome outcome = await job.Completion.WaitAsync(Patience);
        Assert.Equal((JobResult.Done, unit, job.Path), (outcome.Result, outcome.UnitName, outcome.Path));

        // 2. PropertiesChanged shows it active/running, with its main process and a fresh invocation.
        UnitState running = await NextAsync(states, state => state.ActiveState == UnitActiveState.Active);
        Assert.Equal("running", running.SubState);
        Assert.NotEqual(0u, running.ExecMainPid);
        Assert.NotNull(running.ExecMainStartTimestamp);
        Assert.Null(running.ExecMainExitTimestamp);
        Assert.Equal(ChildExitCode.None, running.ExecMainCode);
        Guid invocation = Assert.NotNull(running.InvocationId);
        IReadOnlyList<ListedUnit> listed = await _systemd.ListUnitsByPatternsAsync(["active"], [unit]);
        Assert.Equal((unit, UnitActiveState.Active, "running"), (Assert.Single(listed).Name, listed[0].ActiveState, listed[0].SubState));

        // 3. SIGKILL to the main process: the unit fails with the signal as its exit status.
        await _systemd.KillUnitAsync(unit, KillWhom.Main, 9);
        UnitState failed = await NextAsync(states, state => state.ActiveState == UnitActiveState.Failed);
        Assert.Equal("failed", failed.SubState);
        Assert.Equal(ServiceResult.Signal, failed.Result);
        Assert.Equal(ChildExitCode.Killed, failed.ExecMainCode);
        Assert.Equal(9, failed.ExecMainStatus);
        Assert.Equal(running.ExecMainPid, failed.ExecMainPid);
        Assert.NotNull(failed.ExecMainExitTimestamp);
        Assert.True(failed.ExecMainExitTimestamp >= running.ExecMainStartTimestamp);
        Assert.Equal(invocation, failed.InvocationId);
        Assert.Equal(failed, await _systemd.GetUnitStateAsync(unit));

        // 4. Its journal lines, narrowed to this invocation. journald indexes them shortly after they were written.
        var journal = new JournalReader(MachineJournalDirectory());
        IReadOnlyList<JournalEntry> lines = await Eventually.ReadUntilAsync(
            () => ReadAllAsync(journal, new JournalQuery(unit) { InvocationId = failed.InvocationIdHex }),
            entries => entries.Count >= 2,
            Patience);
        Assert.Equal(["first line of /bin/sh", "second line"], lines.Select(line => line.MessageText));
        Assert.All(lines, line => Assert.Equal(failed.InvocationIdHex, line.InvocationId));
    }

    [Fact]
    public async Task A_start_that_fails_reports_the_failed_job_and_the_exit_status()
    {
        string unit = await WriteUnitAsync(("Type", "oneshot"), "/bin/sh", "-c", "exit 3");
        var states = Channel.CreateUnbounded<UnitState>();
        await using IAsyncDisposable watch = await _systemd.WatchUnitAsync(unit, state => states.Writer.TryWrite(state), error => states.Writer.TryComplete(error));

        SystemdJob job = await _systemd.StartUnitAsync(unit);

        Assert.Equal(JobResult.Failed, (await job.Completion.WaitAsync(Patience)).Result);
        UnitState failed = await NextAsync(states, state => state.ActiveState == UnitActiveState.Failed);
        Assert.Equal((ServiceResult.ExitCode, ChildExitCode.Exited, 3), (failed.Result, failed.ExecMainCode, failed.ExecMainStatus));
    }

    [Fact]
    public async Task Units_that_do_not_exist_are_NoSuchUnit()
    {
        string ghost = $"vks-e2e-ghost-{Guid.NewGuid():N}.service";

        Assert.Null(await _systemd.GetUnitAsync(ghost));
        DBusErrorException error = await Assert.ThrowsAsync<DBusErrorException>(() => _systemd.StartUnitAsync(ghost));
        Assert.Equal(SystemdBus.NoSuchUnitError, error.ErrorName);
        UnitState state = await _systemd.GetUnitStateAsync(ghost);
        Assert.Equal((UnitLoadState.NotFound, UnitActiveState.Inactive), (state.LoadState, state.ActiveState));
    }

    [Fact]
    public async Task A_second_manager_on_the_same_connection_is_already_subscribed_and_works()
    {
        await using SystemdManager second = await SystemdManager.StartAsync(_bus);
        string unit = await WriteUnitAsync(("Type", "oneshot"), "/bin/true");

        SystemdJob job = await second.StartUnitAsync(unit);

        Assert.Equal(JobResult.Done, (await job.Completion.WaitAsync(Patience)).Result);
    }

    private Task<string> WriteUnitAsync(string executable, params string[] arguments) =>
        WriteUnitAsync(("Type", "simple"), executable, arguments);

    private async Task<string> WriteUnitAsync((string Key, string Value) type, string executable, params string[] arguments)
    {
        string unit = $"vks-e2e-systemd-{Guid.NewGuid():N}.service";
        var file = new UnitFile(
        [
            new UnitSection("Unit", [UnitDirective.Plain("Description", "vks e2e test of the systemd API")]),
            new UnitSection("Service",
            [
                UnitDirective.Plain(type.Key, type.Value),
                UnitDirective.Exec("ExecStart", new ExecCommand(executable, arguments)),
            ]),
        ]);
        await _store.WriteAsync(unit, file);
        _units.Add(unit);
        await _systemd.ReloadAsync();
        return unit;
    }

    /// <summary>The next state that satisfies <paramref name="wanted"/>; states in between are passed over.</summary>
    private static async Task<UnitState> NextAsync(Channel<UnitState> states, Func<UnitState, bool> wanted)
    {
        using var deadline = new CancellationTokenSource(Patience);
        var seen = new List<UnitState>();
        try
        {
            while (true)
            {
                UnitState state = await states.Reader.ReadAsync(deadline.Token);
                if (wanted(state))
                {
                    return state;
                }

                seen.Add(state);
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"No wanted state within {Patience}; saw: {string.Join("; ", seen)}");
            throw;
        }
    }

    /// <summary>The machine's journal: persistent under /var/log/journal when that exists, else volatile under /run.</summary>
    private string MachineJournalDirectory()
    {
        string machineId = File.ReadAllText(_testbed.MachinePath("/etc/machine-id")).Trim();
        string persistent = _testbed.MachinePath($"/var/log/journal/{machineId}");
        return Directory.Exists(persistent) ? persistent : _testbed.MachinePath($"/run/log/journal/{machineId}");
    }

    private static async Task<IReadOnlyList<JournalEntry>> ReadAllAsync(JournalReader journal, JournalQuery query)
    {
        var entries = new List<JournalEntry>();
        await foreach (JournalEntry entry in journal.ReadAsync(query))
        {
            entries.Add(entry);
        }

        return entries;
    }
}
