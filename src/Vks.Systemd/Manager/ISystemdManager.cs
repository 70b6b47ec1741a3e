using Vks.Systemd.DBus;

namespace Vks.Systemd.Manager;

/// <summary>What vks asks of systemd: the port actors depend on, so their tests can use an in-memory fake.
/// <see cref="SystemdManager"/> is the real one. Unit names are checked before anything is sent: a name that is not
/// a valid unit name is an <see cref="ArgumentException"/>. Error replies from systemd are
/// <see cref="DBusErrorException"/>s; <see cref="SystemdBus"/> names the ones worth telling apart.</summary>
public interface ISystemdManager
{
    /// <summary>Raised after the subscription to systemd's signals was renewed: the bus connection came back, or
    /// systemd itself did (daemon-reexec). Signals sent meanwhile are lost. Unit watches re-read their unit on their
    /// own; anything else the caller derives from signals must be read again now (e.g. ListUnitsByPatterns).</summary>
    event Action? Resubscribed;

    /// <summary>daemon-reload: systemd reads every unit file again. Completes when the reload has finished.</summary>
    Task ReloadAsync(CancellationToken cancellationToken = default);

    /// <summary>Queues a start job. The task completes once systemd accepted the job; the job's
    /// <see cref="SystemdJob.Completion"/> once it finished.</summary>
    Task<SystemdJob> StartUnitAsync(string unitName, JobMode mode = JobMode.Replace, CancellationToken cancellationToken = default);

    Task<SystemdJob> StopUnitAsync(string unitName, JobMode mode = JobMode.Replace, CancellationToken cancellationToken = default);

    Task<SystemdJob> RestartUnitAsync(string unitName, JobMode mode = JobMode.Replace, CancellationToken cancellationToken = default);

    /// <summary>Sends <paramref name="signal"/> (a signal number, e.g. 9 for SIGKILL) to the unit's processes. No job:
    /// the unit's state changes show up through its watch.</summary>
    Task KillUnitAsync(string unitName, KillWhom whom, int signal, CancellationToken cancellationToken = default);

    /// <summary>Clears the unit's failed state (and its start rate limit) so it can be started again.</summary>
    Task ResetFailedUnitAsync(string unitName, CancellationToken cancellationToken = default);

    /// <summary>The unit's object path, loading the unit if needed. A unit without a unit file still loads, with
    /// <see cref="UnitLoadState.NotFound"/>.</summary>
    Task<ObjectPath> LoadUnitAsync(string unitName, CancellationToken cancellationToken = default);

    /// <summary>The unit's object path if systemd has the unit loaded; null (NoSuchUnit) if not.</summary>
    Task<ObjectPath?> GetUnitAsync(string unitName, CancellationToken cancellationToken = default);

    /// <summary>The loaded units whose active, load or sub state is one of <paramref name="states"/> (all when
    /// empty) and whose name matches one of the glob <paramref name="patterns"/> (all when empty).</summary>
    Task<IReadOnlyList<ListedUnit>> ListUnitsByPatternsAsync(IReadOnlyList<string> states, IReadOnlyList<string> patterns, CancellationToken cancellationToken = default);

    /// <summary>A service's state, read once (GetAll on its Unit and Service interfaces).</summary>
    Task<UnitState> GetUnitStateAsync(string serviceName, CancellationToken cancellationToken = default);

    /// <summary>A service's cgroup counters, read once (GetAll on its Service interface).</summary>
    Task<UnitResourceUsage> GetResourceUsageAsync(string serviceName, CancellationToken cancellationToken = default);

    /// <summary>Watches a service: <paramref name="onChanged"/> gets its state first, before this task completes,
    /// and again after every change systemd signals, in order, one call at a time. <paramref name="onStopped"/> is
    /// called once if the watch stops on its own: a malformed value, <paramref name="onChanged"/> threw, or the
    /// manager stopped; not on disposal. Both run on a signal task shared by every watch, so keep them short (hand
    /// the state to an actor); <paramref name="onStopped"/> must not throw. Dispose the result to stop watching.</summary>
    Task<IAsyncDisposable> WatchUnitAsync(string serviceName, Action<UnitState> onChanged, Action<Exception> onStopped, CancellationToken cancellationToken = default);
}
