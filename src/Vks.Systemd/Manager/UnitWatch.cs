// One unit's state, kept current from PropertiesChanged signals and handed to a callback after each change.
// The first state comes from GetAll on the Unit and Service interfaces; after that only signals (and re-reads of
// properties systemd invalidates instead of sending) change it. Never polled.
using Vks.Systemd.DBus;

namespace Vks.Systemd.Manager;

internal sealed class UnitWatch : IAsyncDisposable
{
    private readonly SystemdManager _manager;
    private readonly Action<UnitState> _onChanged;
    private readonly Action<Exception> _onStopped;

    // Serialises signals (on the manager's signal task) with replies (on the caller's or a resync's task), and
    // keeps the callback from running twice at once.
    private readonly Lock _lock = new();
    private readonly UnitPropertyLedger _ledger = new(UnitPropertyDecoder.StateProperties);
    private bool _ready;
    private bool _stopped;
    private UnitState? _published;

    public UnitWatch(SystemdManager manager, string unitName, ObjectPath path, Action<UnitState> onChanged, Action<Exception> onStopped)
    {
        _manager = manager;
        UnitName = unitName;
        Path = path;
        _onChanged = onChanged;
        _onStopped = onStopped;
    }

    public string UnitName { get; }

    public ObjectPath Path { get; }

    /// <summary>Reads both interfaces and publishes the state once both are in. Signals that arrive meanwhile are
    /// kept, and ordered against the replies by serial (see <see cref="UnitPropertyLedger"/>).</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _ready = false;
            _ledger.BeginResync();
        }

        // Both calls at once: with systemd busy (hundreds of units starting) each answer comes late, and two in a
        // row would wait twice.
        var unitReply = _manager.GetAllAsync(Path, SystemdBus.UnitInterface, cancellationToken);
        var serviceReply = _manager.GetAllAsync(Path, SystemdBus.ServiceInterface, cancellationToken);
        await Task.WhenAll(unitReply, serviceReply).ConfigureAwait(false);
        (IReadOnlyDictionary<string, Variant> unit, string unitSender, uint unitSerial) = await unitReply.ConfigureAwait(false);
        (IReadOnlyDictionary<string, Variant> service, string serviceSender, uint serviceSerial) = await serviceReply.ConfigureAwait(false);
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            _ledger.ApplyReply(SystemdBus.UnitInterface, unit, unitSender, unitSerial);
            _ledger.ApplyReply(SystemdBus.ServiceInterface, service, serviceSender, serviceSerial);
            _ready = true;
            PublishLocked();
        }
    }

    /// <summary>Reads everything again after a reconnection. A failure that another resynchronisation will follow
    /// (the bus or systemd is gone for now) is left to that one; any other stops the watch.</summary>
    public async Task ResyncAsync(CancellationToken cancellationToken)
    {
        try
        {
            await LoadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (SystemdManager.IsTransient(ex) || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // The manager resynchronises every watch when systemd is reachable again.
        }
        catch (Exception ex)
        {
            Stop(ex);
        }
    }

    /// <summary>Called in order for each PropertiesChanged of this unit's path. Never throws: a failure (a value of
    /// the wrong type, a callback that throws) stops this watch and goes to its stop callback.</summary>
    public void OnSignal(PropertiesChanged signal, string sender, uint serial)
    {
        bool reread;
        try
        {
            lock (_lock)
            {
                if (_stopped)
                {
                    return;
                }

                _ledger.ApplySignal(signal, sender, serial);
                reread = signal.Invalidated.Any(name => _ledger.IsTracked(signal.Interface, name));
                if (_ready)
                {
                    PublishLocked();
                }
            }
        }
        catch (Exception ex)
        {
            Stop(ex);
            return;
        }

        if (reread)
        {
            _ = RereadAsync(signal.Interface);
        }
    }

    /// <summary>Stops the watch for a reason other than disposal and tells the owner.</summary>
    public void Stop(Exception reason)
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
        }

        _manager.Unregister(this);
        _onStopped(reason);
    }

    public ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _stopped = true;
        }

        _manager.Unregister(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>systemd invalidated a property instead of sending its value: fetch the interface again.</summary>
    private async Task RereadAsync(string @interface)
    {
        try
        {
            (IReadOnlyDictionary<string, Variant> properties, string sender, uint serial) = await _manager.GetAllAsync(Path, @interface, _manager.StoppingToken).ConfigureAwait(false);
            lock (_lock)
            {
                if (_stopped)
                {
                    return;
                }

                _ledger.ApplyReply(@interface, properties, sender, serial);
                if (_ready)
                {
                    PublishLocked();
                }
            }
        }
        catch (Exception ex) when (SystemdManager.IsTransient(ex) || (ex is OperationCanceledException && _manager.StoppingToken.IsCancellationRequested))
        {
            // As for a resynchronisation: the next one reads this interface again.
        }
        catch (Exception ex)
        {
            Stop(ex);
        }
    }

    private void PublishLocked()
    {
        UnitState state = UnitPropertyDecoder.DecodeState(_ledger.ValuesOf(SystemdBus.UnitInterface), _ledger.ValuesOf(SystemdBus.ServiceInterface));
        if (state != _published)
        {
            _published = state;
            _onChanged(state);
        }
    }
}
