// An in-memory systemd behind ISystemdManager: units are states a test can move (start, crash, exit, restart), and
// every watcher hears each change at once, as PropertiesChanged would deliver it. Every call is logged, so a spec
// can prove what vks did NOT do (no start of an adopted unit, no polling of state).
using Vks.Systemd.DBus;
using Vks.Systemd.Manager;

namespace Vks.Actors.Tests.Fakes;

internal sealed class InMemorySystemd(Func<DateTimeOffset> clock) : ISystemdManager
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, UnitState> _units = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Watch>> _watches = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource<JobOutcome>> _pendingStops = new(StringComparer.Ordinal);
    private readonly List<string> _calls = [];
    private uint _nextPid = 1000;
    private uint _nextJob;
    private TaskCompletionSource? _reloadGate;

    // The fake never loses its bus connection, so there is nothing to resubscribe.
    public event Action? Resubscribed
    {
        add { }
        remove { }
    }

    /// <summary>StopUnit leaves the unit deactivating (the process ignores SIGTERM) until SIGKILL.</summary>
    public bool ProcessesIgnoreSigterm { get; set; }

    /// <summary>Every call as "verb unit" (e.g. "start vks.default.web.app.service", "kill X 9", "reload").</summary>
    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    public int CountOf(string call) => Calls.Count(c => c == call);

    public static UnitState NotLoaded(string name) =>
        new(name, UnitLoadState.Loaded, UnitActiveState.Inactive, "dead", null, ServiceResult.Success, 0, ChildExitCode.None, 0, null, null, 0);

    public UnitState? StateOf(string name)
    {
        lock (_lock)
        {
            return _units.TryGetValue(name, out var state) ? state : null;
        }
    }

    /// <summary>Puts a unit in a state, as if it had been there before vks started, and tells its watchers.</summary>
    public void Set(string name, UnitState state)
    {
        Watch[] watches;
        lock (_lock)
        {
            _units[name] = state;
            watches = [.. _watches.GetValueOrDefault(name) ?? []];
        }

        foreach (var watch in watches)
        {
            watch.OnChanged(state);
        }
    }

    public void Change(string name, Func<UnitState, UnitState> change) => Set(name, change(StateOf(name) ?? NotLoaded(name)));

    /// <summary>A running unit, started <paramref name="runningFor"/> ago.</summary>
    public UnitState Running(string name, TimeSpan runningFor = default, uint restarts = 0)
    {
        lock (_lock)
        {
            return new UnitState(name, UnitLoadState.Loaded, UnitActiveState.Active, "running", Guid.NewGuid(), ServiceResult.Success, _nextPid++, ChildExitCode.None, 0, clock() - runningFor, null, restarts);
        }
    }

    /// <summary>The main process exited with <paramref name="status"/>; with Restart= set, systemd waits to restart it.</summary>
    public void Exit(string name, int status, bool autoRestart)
    {
        Change(name, s => s with
        {
            ActiveState = autoRestart ? UnitActiveState.Activating : status == 0 ? UnitActiveState.Active : UnitActiveState.Failed,
            SubState = autoRestart ? "auto-restart" : status == 0 ? "exited" : "failed",
            Result = status == 0 ? ServiceResult.Success : ServiceResult.ExitCode,
            ExecMainCode = ChildExitCode.Exited,
            ExecMainStatus = status,
            ExecMainExitTimestamp = clock(),
        });
    }

    /// <summary>systemd restarted the unit after its RestartSec= (NRestarts goes up).</summary>
    public void AutoRestart(string name)
    {
        uint pid;
        lock (_lock)
        {
            pid = _nextPid++;
        }

        Change(name, s => s with
        {
            ActiveState = UnitActiveState.Active,
            SubState = "running",
            InvocationId = Guid.NewGuid(),
            ExecMainPid = pid,
            ExecMainCode = ChildExitCode.None,
            ExecMainStatus = 0,
            ExecMainStartTimestamp = clock(),
            ExecMainExitTimestamp = null,
            NRestarts = s.NRestarts + 1,
        });
    }

    /// <summary>daemon-reload does not finish until <see cref="ReleaseReloads"/>.</summary>
    public void HoldReloads()
    {
        lock (_lock)
        {
            _reloadGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void ReleaseReloads()
    {
        TaskCompletionSource? gate;
        lock (_lock)
        {
            gate = _reloadGate;
            _reloadGate = null;
        }

        gate?.SetResult();
    }

    public Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        Log("reload");
        lock (_lock)
        {
            return _reloadGate?.Task ?? Task.CompletedTask;
        }
    }

    public Task<SystemdJob> StartUnitAsync(string unitName, JobMode mode = JobMode.Replace, CancellationToken cancellationToken = default)
    {
        Log("start " + unitName);
        uint pid;
        lock (_lock)
        {
            pid = _nextPid++;
        }

        Change(unitName, s => s with
        {
            ActiveState = UnitActiveState.Active,
            SubState = "running",
            InvocationId = Guid.NewGuid(),
            Result = ServiceResult.Success,
            ExecMainPid = pid,
            ExecMainCode = ChildExitCode.None,
            ExecMainStatus = 0,
            ExecMainStartTimestamp = clock(),
            ExecMainExitTimestamp = null,
        });
        return Task.FromResult(Job(unitName, Task.FromResult(Outcome(unitName, JobResult.Done))));
    }

    public Task<SystemdJob> StopUnitAsync(string unitName, JobMode mode = JobMode.Replace, CancellationToken cancellationToken = default)
    {
        Log("stop " + unitName);
        var state = StateOf(unitName) ?? NotLoaded(unitName);
        var running = state.ExecMainCode == ChildExitCode.None && state.ExecMainPid != 0;
        if (running && ProcessesIgnoreSigterm)
        {
            var pending = new TaskCompletionSource<JobOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                _pendingStops[unitName] = pending;
            }

            Set(unitName, state with { ActiveState = UnitActiveState.Deactivating, SubState = "stop-sigterm" });
            return Task.FromResult(Job(unitName, pending.Task));
        }

        Set(unitName, running
            ? state with
            {
                ActiveState = UnitActiveState.Inactive,
                SubState = "dead",
                ExecMainCode = ChildExitCode.Killed,
                ExecMainStatus = 15,
                ExecMainExitTimestamp = clock(),
            }
            : state with { ActiveState = state.ActiveState == UnitActiveState.Failed ? UnitActiveState.Failed : UnitActiveState.Inactive, SubState = state.ActiveState == UnitActiveState.Failed ? "failed" : "dead" });
        return Task.FromResult(Job(unitName, Task.FromResult(Outcome(unitName, JobResult.Done))));
    }

    public Task<SystemdJob> RestartUnitAsync(string unitName, JobMode mode = JobMode.Replace, CancellationToken cancellationToken = default)
    {
        Log("restart " + unitName);
        return StartUnitAsync(unitName, mode, cancellationToken);
    }

    public Task KillUnitAsync(string unitName, KillWhom whom, int signal, CancellationToken cancellationToken = default)
    {
        Log($"kill {unitName} {signal}");
        TaskCompletionSource<JobOutcome>? pending;
        lock (_lock)
        {
            _pendingStops.Remove(unitName, out pending);
        }

        if (signal == 9)
        {
            Change(unitName, s => s with
            {
                ActiveState = UnitActiveState.Failed,
                SubState = "failed",
                Result = ServiceResult.Signal,
                ExecMainCode = ChildExitCode.Killed,
                ExecMainStatus = 9,
                ExecMainExitTimestamp = clock(),
            });
            pending?.SetResult(Outcome(unitName, JobResult.Done));
        }

        return Task.CompletedTask;
    }

    public Task ResetFailedUnitAsync(string unitName, CancellationToken cancellationToken = default)
    {
        Log("reset-failed " + unitName);
        if (StateOf(unitName) is not { } state)
        {
            throw new DBusErrorException(SystemdBus.NoSuchUnitError, $"Unit {unitName} not loaded.");
        }

        if (state.ActiveState == UnitActiveState.Failed)
        {
            Set(unitName, state with { ActiveState = UnitActiveState.Inactive, SubState = "dead" });
        }

        return Task.CompletedTask;
    }

    public Task<ObjectPath> LoadUnitAsync(string unitName, CancellationToken cancellationToken = default) => Task.FromResult(PathOf(unitName));

    public Task<ObjectPath?> GetUnitAsync(string unitName, CancellationToken cancellationToken = default) =>
        Task.FromResult(StateOf(unitName) is null ? (ObjectPath?)null : PathOf(unitName));

    public Task<IReadOnlyList<ListedUnit>> ListUnitsByPatternsAsync(IReadOnlyList<string> states, IReadOnlyList<string> patterns, CancellationToken cancellationToken = default)
    {
        Log("list " + string.Join(',', patterns));
        List<ListedUnit> listed;
        lock (_lock)
        {
            listed = _units.Values
                .Where(u => patterns.Count == 0 || patterns.Any(p => p.EndsWith('*') ? u.Id.StartsWith(p[..^1], StringComparison.Ordinal) : u.Id == p))
                .Select(u => new ListedUnit(u.Id, "", u.LoadState, u.ActiveState, u.SubState, "", PathOf(u.Id), 0, "", ObjectPath.Root))
                .ToList();
        }

        return Task.FromResult<IReadOnlyList<ListedUnit>>(listed);
    }

    public Task<UnitState> GetUnitStateAsync(string serviceName, CancellationToken cancellationToken = default)
    {
        Log("get-state " + serviceName);
        return Task.FromResult(StateOf(serviceName) ?? NotLoaded(serviceName));
    }

    public Task<UnitResourceUsage> GetResourceUsageAsync(string serviceName, CancellationToken cancellationToken = default) =>
        Task.FromResult(new UnitResourceUsage(null, null, null, null, null));

    public Task<IAsyncDisposable> WatchUnitAsync(string serviceName, Action<UnitState> onChanged, Action<Exception> onStopped, CancellationToken cancellationToken = default)
    {
        Log("watch " + serviceName);
        var watch = new Watch(this, serviceName, onChanged);
        UnitState state;
        lock (_lock)
        {
            if (!_units.TryGetValue(serviceName, out state!))
            {
                state = NotLoaded(serviceName);
                _units[serviceName] = state;
            }

            if (!_watches.TryGetValue(serviceName, out var watches))
            {
                _watches[serviceName] = watches = [];
            }

            watches.Add(watch);
        }

        onChanged(state);
        return Task.FromResult<IAsyncDisposable>(watch);
    }

    public int WatchersOf(string name)
    {
        lock (_lock)
        {
            return _watches.GetValueOrDefault(name)?.Count ?? 0;
        }
    }

    private void Log(string call)
    {
        lock (_lock)
        {
            _calls.Add(call);
        }
    }

    private SystemdJob Job(string unitName, Task<JobOutcome> completion)
    {
        lock (_lock)
        {
            _nextJob++;
            return new SystemdJob(new ObjectPath($"/org/freedesktop/systemd1/job/{_nextJob}"), unitName, completion);
        }
    }

    private static JobOutcome Outcome(string unitName, JobResult result) =>
        new(1, new ObjectPath("/org/freedesktop/systemd1/job/1"), unitName, result);

    private static ObjectPath PathOf(string unitName) =>
        new("/org/freedesktop/systemd1/unit/" + string.Concat(unitName.Select(c => char.IsAsciiLetterOrDigit(c) ? c.ToString() : $"_{(int)c:x2}")));

    private sealed class Watch(InMemorySystemd systemd, string name, Action<UnitState> onChanged) : IAsyncDisposable
    {
        public void OnChanged(UnitState state) => onChanged(state);

        public ValueTask DisposeAsync()
        {
            lock (systemd._lock)
            {
                systemd._watches.GetValueOrDefault(name)?.Remove(this);
            }

            return ValueTask.CompletedTask;
        }
    }
}
