// The typed client of systemd's manager object (org.freedesktop.systemd1) over any IDBusConnection.
//
// It holds three signal subscriptions for its whole life, all added before Subscribe so that nothing systemd sends
// afterwards is missed: JobRemoved (job results, see JobTracker), PropertiesChanged below the unit path prefix (one
// match for every watched unit, routed here by object path: the system bus allows a connection only 512 matches),
// and NameOwnerChanged of org.freedesktop.systemd1 (systemd came back after daemon-reexec).
//
// The system bus keeps at most 128 replies pending per connection (max_replies_per_connection) and refuses any call
// beyond that with LimitsExceeded, so the manager queues its own calls past MaxCallsInFlight instead.
//
// systemd emits unit signals only while some client is subscribed, and forgets a client's subscription when its
// connection ends. So Subscribe is issued again after each reconnection of a ReconnectingDBusConnection and after
// systemd itself reconnects; then every watch reads its unit again and Resubscribed is raised.
using Vks.Systemd.DBus;
using Vks.Systemd.Units;

namespace Vks.Systemd.Manager;

public sealed class SystemdManager : ISystemdManager, IAsyncDisposable
{
    private const string ServiceUnknownError = "org.freedesktop.DBus.Error.ServiceUnknown";
    private const string NameHasNoOwnerError = "org.freedesktop.DBus.Error.NameHasNoOwner";

    // Linux signal numbers run from 1 to SIGRTMAX (64).
    private const int MaxSignalNumber = 64;

    // Half the bus's limit of pending replies per connection, leaving the rest to others on the connection.
    private const int MaxCallsInFlight = 64;

    private readonly IDBusConnection _bus;
    private readonly ReconnectingDBusConnection? _reconnecting;
    private readonly JobTracker _jobs = new();
    private readonly SemaphoreSlim _callSlots = new(MaxCallsInFlight, MaxCallsInFlight);
    private readonly CancellationTokenSource _stopping = new();

    // Taken once: background work that finishes after DisposeAsync disposed _stopping still reads it.
    private readonly CancellationToken _stoppingToken;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<SignalSubscription> _subscriptions = [];
    private readonly Lock _watchesLock = new();
    private readonly Dictionary<ObjectPath, UnitWatch[]> _watches = [];
    private int _disposed;

    private SystemdManager(IDBusConnection bus)
    {
        _bus = bus;
        _reconnecting = bus as ReconnectingDBusConnection;
        _stoppingToken = _stopping.Token;
    }

    public event Action? Resubscribed;

    /// <summary>Completes when the manager is disposed. Faults when it stops on its own: one of its signal
    /// subscriptions stopped (its queue overflowed, or a plain <see cref="DBusConnection"/> closed), or a
    /// <see cref="Resubscribed"/> handler threw. Pending jobs and watches then fail with that error and later job
    /// calls throw <see cref="InvalidOperationException"/>: make a new manager (and resynchronise).</summary>
    public Task Completion => _completion.Task;

    internal CancellationToken StoppingToken => _stoppingToken;

    /// <summary>Subscribes to systemd's signals on <paramref name="bus"/>. With a
    /// <see cref="ReconnectingDBusConnection"/> the manager survives bus restarts; with a plain connection it stops
    /// when the connection closes.</summary>
    public static async Task<SystemdManager> StartAsync(IDBusConnection bus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bus);
        var manager = new SystemdManager(bus);
        try
        {
            await manager.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await manager.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return manager;
    }

    public Task ReloadAsync(CancellationToken cancellationToken = default) =>
        LimitedAsync(() => _bus.CallMethodAsync(SystemdBus.ServiceName, SystemdBus.ManagerPath, SystemdBus.ManagerInterface, "Reload", cancellationToken: cancellationToken), cancellationToken);

    public Task<SystemdJob> StartUnitAsync(string unitName, JobMode mode = JobMode.Replace, CancellationToken cancellationToken = default) =>
        QueueJobAsync("StartUnit", unitName, mode, cancellationToken);

    public Task<SystemdJob> StopUnitAsync(string unitName, JobMode mode = JobMode.Replace, CancellationToken cancellationToken = default) =>
        QueueJobAsync("StopUnit", unitName, mode, cancellationToken);

    public Task<SystemdJob> RestartUnitAsync(string unitName, JobMode mode = JobMode.Replace, CancellationToken cancellationToken = default) =>
        QueueJobAsync("RestartUnit", unitName, mode, cancellationToken);

    public Task KillUnitAsync(string unitName, KillWhom whom, int signal, CancellationToken cancellationToken = default)
    {
        RequireUnitName(unitName);
        string whomText = JobNames.ToText(whom);
        ArgumentOutOfRangeException.ThrowIfLessThan(signal, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(signal, MaxSignalNumber);
        return LimitedAsync(
            () => _bus.CallMethodAsync(
                SystemdBus.ServiceName,
                SystemdBus.ManagerPath,
                SystemdBus.ManagerInterface,
                "KillUnit",
                "ssi",
                (ref MessageWriter writer) =>
                {
                    writer.WriteString(unitName);
                    writer.WriteString(whomText);
                    writer.WriteInt32(signal);
                },
                cancellationToken: cancellationToken),
            cancellationToken);
    }

    public Task ResetFailedUnitAsync(string unitName, CancellationToken cancellationToken = default)
    {
        RequireUnitName(unitName);
        return LimitedAsync(
            () => _bus.CallMethodAsync(
                SystemdBus.ServiceName, SystemdBus.ManagerPath, SystemdBus.ManagerInterface, "ResetFailedUnit", "s", (ref MessageWriter writer) => writer.WriteString(unitName), cancellationToken: cancellationToken),
            cancellationToken);
    }

    public Task<ObjectPath> LoadUnitAsync(string unitName, CancellationToken cancellationToken = default) =>
        CallWithUnitNameAsync("LoadUnit", unitName, cancellationToken);

    public async Task<ObjectPath?> GetUnitAsync(string unitName, CancellationToken cancellationToken = default)
    {
        try
        {
            return await CallWithUnitNameAsync("GetUnit", unitName, cancellationToken).ConfigureAwait(false);
        }
        catch (DBusErrorException ex) when (ex.ErrorName == SystemdBus.NoSuchUnitError)
        {
            return null;
        }
    }

    public Task<IReadOnlyList<ListedUnit>> ListUnitsByPatternsAsync(IReadOnlyList<string> states, IReadOnlyList<string> patterns, CancellationToken cancellationToken = default)
    {
        string[] stateArray = [.. states ?? throw new ArgumentNullException(nameof(states))];
        string[] patternArray = [.. patterns ?? throw new ArgumentNullException(nameof(patterns))];
        return LimitedAsync(
            () => _bus.CallMethodAsync(
                SystemdBus.ServiceName,
                SystemdBus.ManagerPath,
                SystemdBus.ManagerInterface,
                "ListUnitsByPatterns",
                "asas",
                (ref MessageWriter writer) =>
                {
                    writer.WriteArray(stateArray);
                    writer.WriteArray(patternArray);
                },
                ReadListedUnits,
                cancellationToken: cancellationToken),
            cancellationToken);
    }

    public async Task<UnitState> GetUnitStateAsync(string serviceName, CancellationToken cancellationToken = default)
    {
        RequireServiceName(serviceName);
        ObjectPath path = await LoadUnitAsync(serviceName, cancellationToken).ConfigureAwait(false);
        // One reading of both interfaces: two could straddle a change and describe a state the unit never had.
        (IReadOnlyDictionary<string, Variant> all, _, _) = await GetAllAsync(path, SystemdBus.AllInterfaces, cancellationToken).ConfigureAwait(false);
        return UnitPropertyDecoder.DecodeState(all, all);
    }

    public async Task<UnitResourceUsage> GetResourceUsageAsync(string serviceName, CancellationToken cancellationToken = default)
    {
        RequireServiceName(serviceName);
        ObjectPath path = await LoadUnitAsync(serviceName, cancellationToken).ConfigureAwait(false);
        (IReadOnlyDictionary<string, Variant> service, _, _) = await GetAllAsync(path, SystemdBus.ServiceInterface, cancellationToken).ConfigureAwait(false);
        return UnitPropertyDecoder.DecodeResourceUsage(service);
    }

    public async Task<IAsyncDisposable> WatchUnitAsync(string serviceName, Action<UnitState> onChanged, Action<Exception> onStopped, CancellationToken cancellationToken = default)
    {
        RequireServiceName(serviceName);
        ArgumentNullException.ThrowIfNull(onChanged);
        ArgumentNullException.ThrowIfNull(onStopped);
        ObjectPath path = await LoadUnitAsync(serviceName, cancellationToken).ConfigureAwait(false);
        var watch = new UnitWatch(this, serviceName, path, onChanged, onStopped);
        Register(watch);
        try
        {
            await watch.LoadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await watch.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return watch;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_reconnecting is not null)
        {
            _reconnecting.Connected -= OnConnected;
            _reconnecting.Disconnected -= OnDisconnected;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (SignalSubscription subscription in _subscriptions)
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
        }

        var disposed = new ObjectDisposedException(nameof(SystemdManager));
        _jobs.Stop(disposed);
        _completion.TrySetResult();
        foreach (UnitWatch watch in WatchesSnapshot())
        {
            watch.Stop(disposed);
        }

        _stopping.Dispose();
    }

    /// <summary>A failure after which another resubscription will follow: the bus connection is gone (the reconnecting
    /// connection says when it is back) or systemd is not on the bus (NameOwnerChanged says when it is back).</summary>
    internal static bool IsTransient(Exception error) =>
        error is DBusConnectionClosedException
        || (error is DBusErrorException { ErrorName: ServiceUnknownError or NameHasNoOwnerError });

    /// <summary>Properties.GetAll with the sender and serial of the reply, which order it among systemd's signals.</summary>
    internal async Task<(IReadOnlyDictionary<string, Variant> Properties, string Sender, uint Serial)> GetAllAsync(ObjectPath path, string @interface, CancellationToken cancellationToken)
    {
        Message reply = await LimitedAsync(
            () => _bus.CallAsync(SystemdBus.ServiceName, path, DBusProperties.Interface, "GetAll", "s", (ref MessageWriter writer) => writer.WriteString(@interface), cancellationToken: cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return (ReadProperties(reply), reply.Sender ?? string.Empty, reply.Serial);
    }

    internal void Unregister(UnitWatch watch)
    {
        lock (_watchesLock)
        {
            if (_watches.TryGetValue(watch.Path, out UnitWatch[]? watches))
            {
                UnitWatch[] rest = Array.FindAll(watches, other => other != watch);
                if (rest.Length == 0)
                {
                    _watches.Remove(watch.Path);
                }
                else
                {
                    _watches[watch.Path] = rest;
                }
            }
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await AddSubscriptionAsync(
            new MatchRule { Sender = SystemdBus.ServiceName, Path = SystemdBus.ManagerPath, Interface = SystemdBus.ManagerInterface, Member = "JobRemoved" },
            OnJobRemoved,
            cancellationToken).ConfigureAwait(false);
        await AddSubscriptionAsync(
            new MatchRule { Sender = SystemdBus.ServiceName, PathNamespace = SystemdBus.UnitPathPrefix, Interface = DBusProperties.Interface, Member = "PropertiesChanged" },
            OnPropertiesChanged,
            cancellationToken).ConfigureAwait(false);
        await AddSubscriptionAsync(
            new MatchRule { Sender = DBusConnection.BusName, Interface = DBusConnection.BusInterface, Member = "NameOwnerChanged", Arg0 = SystemdBus.ServiceName },
            OnNameOwnerChanged,
            cancellationToken).ConfigureAwait(false);
        if (_reconnecting is not null)
        {
            _reconnecting.Connected += OnConnected;
            _reconnecting.Disconnected += OnDisconnected;
        }

        await SubscribeAsync(_bus, cancellationToken).ConfigureAwait(false);
    }

    private async Task AddSubscriptionAsync(MatchRule rule, Action<Message> handler, CancellationToken cancellationToken)
    {
        SignalSubscription subscription = await _bus.SubscribeAsync(rule, handler, cancellationToken).ConfigureAwait(false);
        _subscriptions.Add(subscription);
        _ = StopWhenEndedAsync(subscription);
    }

    private async Task StopWhenEndedAsync(SignalSubscription subscription)
    {
        try
        {
            await subscription.Completion.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The subscription stopped on its own: signals are being lost, so the manager stops with that reason.
            Fault(ex);
        }
    }

    /// <summary>Subscribe, on <paramref name="connection"/>: the connection a reconnection just made, so the call
    /// cannot land on an older one.</summary>
    private static async Task SubscribeAsync(IDBusConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await connection.CallMethodAsync(SystemdBus.ServiceName, SystemdBus.ManagerPath, SystemdBus.ManagerInterface, "Subscribe", cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (DBusErrorException ex) when (ex.ErrorName == SystemdBus.AlreadySubscribedError)
        {
            // Connected and NameOwnerChanged can both ask for it, and daemon-reexec keeps subscriptions.
        }
    }

    private async Task ResubscribeAsync(IDBusConnection connection)
    {
        try
        {
            await SubscribeAsync(connection, _stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransient(ex) || (ex is OperationCanceledException && _stoppingToken.IsCancellationRequested))
        {
            return;
        }
        catch (Exception ex)
        {
            Fault(ex);
            return;
        }

        foreach (UnitWatch watch in WatchesSnapshot())
        {
            _ = watch.ResyncAsync(_stoppingToken);
        }

        try
        {
            Resubscribed?.Invoke();
        }
        catch (Exception ex)
        {
            Fault(ex);
        }
    }

    private void OnConnected(DBusConnection connection) => _ = ResubscribeAsync(connection);

    private void OnDisconnected(DBusConnectionClosedException reason) =>
        _jobs.FailAll(new DBusConnectionClosedException(
            "The bus connection was lost while the job was pending, so its JobRemoved signal may have been missed; read the unit's state instead.", reason));

    private void OnJobRemoved(Message message)
    {
        if (message.Signature != "uoss")
        {
            return;
        }

        Reader reader = message.GetBodyReader();
        uint id = reader.ReadUInt32();
        ObjectPath job = reader.ReadObjectPath();
        string unit = reader.ReadString();
        string result = reader.ReadString();
        _jobs.OnJobRemoved(new JobOutcome(id, job, unit, JobNames.ParseResult(result)));
    }

    private void OnPropertiesChanged(Message message)
    {
        if (message.Path is not { } path)
        {
            return;
        }

        UnitWatch[]? watches;
        lock (_watchesLock)
        {
            if (!_watches.TryGetValue(path, out watches))
            {
                return;
            }
        }

        if (PropertiesChanged.TryRead(message) is not { } signal)
        {
            return;
        }

        foreach (UnitWatch watch in watches)
        {
            watch.OnSignal(signal, message.Sender ?? string.Empty, message.Serial);
        }
    }

    private void OnNameOwnerChanged(Message message)
    {
        if (message.Signature != "sss")
        {
            return;
        }

        Reader reader = message.GetBodyReader();
        string name = reader.ReadString();
        _ = reader.ReadString();
        string newOwner = reader.ReadString();
        if (name == SystemdBus.ServiceName && newOwner.Length > 0)
        {
            _ = ResubscribeAsync(_bus);
        }
    }

    private void Fault(Exception reason)
    {
        if (!_completion.TrySetException(reason))
        {
            return;
        }

        _jobs.Stop(reason);
        foreach (UnitWatch watch in WatchesSnapshot())
        {
            watch.Stop(reason);
        }
    }

    private void Register(UnitWatch watch)
    {
        lock (_watchesLock)
        {
            // Checked under the lock Fault takes for its snapshot, so no watch is added after the manager stopped.
            if (_completion.Task.Exception is { } stopped)
            {
                throw new InvalidOperationException("The systemd manager has stopped: " + stopped.InnerException?.Message, stopped.InnerException);
            }

            ObjectDisposedException.ThrowIf(_completion.Task.IsCompleted, this);
            _watches[watch.Path] = _watches.TryGetValue(watch.Path, out UnitWatch[]? watches) ? [.. watches, watch] : [watch];
        }
    }

    private UnitWatch[] WatchesSnapshot()
    {
        lock (_watchesLock)
        {
            return [.. _watches.Values.SelectMany(watches => watches)];
        }
    }

    private async Task<SystemdJob> QueueJobAsync(string method, string unitName, JobMode mode, CancellationToken cancellationToken)
    {
        RequireUnitName(unitName);
        string modeText = JobNames.ToText(mode);
        await _callSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long ticket = _jobs.OpenWindow();
            ObjectPath job;
            try
            {
                job = await _bus.CallMethodAsync(
                    SystemdBus.ServiceName,
                    SystemdBus.ManagerPath,
                    SystemdBus.ManagerInterface,
                    method,
                    "ss",
                    (ref MessageWriter writer) =>
                    {
                        writer.WriteString(unitName);
                        writer.WriteString(modeText);
                    },
                    static (ref Reader reader) => reader.ReadObjectPath(),
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                _jobs.CloseWindow(ticket);
                throw;
            }

            return new SystemdJob(job, unitName, _jobs.Track(ticket, job));
        }
        finally
        {
            _callSlots.Release();
        }
    }

    private Task<ObjectPath> CallWithUnitNameAsync(string method, string unitName, CancellationToken cancellationToken)
    {
        RequireUnitName(unitName);
        return LimitedAsync(
            () => _bus.CallMethodAsync(
                SystemdBus.ServiceName,
                SystemdBus.ManagerPath,
                SystemdBus.ManagerInterface,
                method,
                "s",
                (ref MessageWriter writer) => writer.WriteString(unitName),
                static (ref Reader reader) => reader.ReadObjectPath(),
                cancellationToken: cancellationToken),
            cancellationToken);
    }

    /// <summary>Runs <paramref name="call"/> once fewer than <see cref="MaxCallsInFlight"/> calls are in flight.</summary>
    private async Task LimitedAsync(Func<Task> call, CancellationToken cancellationToken)
    {
        await _callSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await call().ConfigureAwait(false);
        }
        finally
        {
            _callSlots.Release();
        }
    }

    private async Task<T> LimitedAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        await _callSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await call().ConfigureAwait(false);
        }
        finally
        {
            _callSlots.Release();
        }
    }

    private static IReadOnlyDictionary<string, Variant> ReadProperties(Message reply)
    {
        Reader reader = reply.GetBodyReader();
        return reader.ReadDictionaryOfStringToVariant();
    }

    private static IReadOnlyList<ListedUnit> ReadListedUnits(ref Reader reader)
    {
        var units = new List<ListedUnit>();
        ArrayEnd end = reader.ReadArrayStart(DBusType.Struct);
        while (reader.HasNext(end))
        {
            reader.AlignStruct();
            units.Add(new ListedUnit(
                Name: reader.ReadString(),
                Description: reader.ReadString(),
                LoadState: UnitPropertyDecoder.ParseLoadState(reader.ReadString()),
                ActiveState: UnitPropertyDecoder.ParseActiveState(reader.ReadString()),
                SubState: reader.ReadString(),
                Following: reader.ReadString(),
                UnitPath: reader.ReadObjectPath(),
                JobId: reader.ReadUInt32(),
                JobType: reader.ReadString(),
                JobPath: reader.ReadObjectPath()));
        }

        return units;
    }

    private static void RequireUnitName(string unitName)
    {
        ArgumentNullException.ThrowIfNull(unitName);
        if (!SystemdEscaping.IsValidUnitName(unitName))
        {
            throw new ArgumentException($"'{unitName}' is not a valid unit name.", nameof(unitName));
        }
    }

    private static void RequireServiceName(string serviceName)
    {
        RequireUnitName(serviceName);
        if (!serviceName.EndsWith(".service", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{serviceName}' is not a service; vks reads the state of services only.", nameof(serviceName));
        }
    }
}
