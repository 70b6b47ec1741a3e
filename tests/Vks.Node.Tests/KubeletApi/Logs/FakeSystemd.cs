// The two things the log endpoint asks of systemd, a unit's state and a watch on it, held in memory; the test changes
// the state and the watch reports it, as systemd's PropertiesChanged would.
using Vks.Systemd.DBus;
using Vks.Systemd.Manager;

namespace Vks.Node.Tests.KubeletApi.Logs;

internal sealed class FakeSystemd : ISystemdManager
{
    private readonly Lock _lock = new();
    private readonly List<Action<UnitState>> _watchers = [];
    private UnitState _state;

    public FakeSystemd(UnitState state) => _state = state;

    public event Action? Resubscribed
    {
        add { }
        remove { }
    }

    public int Watchers
    {
        get
        {
            lock (_lock)
            {
                return _watchers.Count;
            }
        }
    }

    public void Change(UnitState state)
    {
        Action<UnitState>[] watchers;
        lock (_lock)
        {
            _state = state;
            watchers = [.. _watchers];
        }

        foreach (var watcher in watchers)
        {
            watcher(state);
        }
    }

    public Task<UnitState> GetUnitStateAsync(string serviceName, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_state with { Id = serviceName });
        }
    }

    public Task<IAsyncDisposable> WatchUnitAsync(string serviceName, Action<UnitState> onChanged, Action<Exception> onStopped, CancellationToken cancellationToken = default)
    {
        UnitState state;
        lock (_lock)
        {
            state = _state;
            _watchers.Add(onChanged);
        }

        onChanged(state);
        return Task.FromResult<IAsyncDisposable>(new Watch(this, onChanged));
    }

    public Task ReloadAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<SystemdJob> StartUnitAsync(string unitName, JobMode mode = JobMode.Replace, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<SystemdJob> StopUnitAsync(string unitName, JobMode mode = JobMode.Replace, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<SystemdJob> RestartUnitAsync(string unitName, JobMode mode = JobMode.Replace, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task KillUnitAsync(string unitName, KillWhom whom, int signal, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task ResetFailedUnitAsync(string unitName, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ObjectPath> LoadUnitAsync(string unitName, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ObjectPath?> GetUnitAsync(string unitName, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<ListedUnit>> ListUnitsByPatternsAsync(IReadOnlyList<string> states, IReadOnlyList<string> patterns, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<UnitResourceUsage> GetResourceUsageAsync(string serviceName, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    private sealed class Watch(FakeSystemd owner, Action<UnitState> watcher) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            lock (owner._lock)
            {
                owner._watchers.Remove(watcher);
            }

            return ValueTask.CompletedTask;
        }
    }
}
