// One unit's state, kept current from PropertiesChanged signals and handed to a callback after each change.
// The first state comes from one GetAll of every interface; after that only signals (and re-reads of properties
// systemd invalidates instead of sending) change it. Never polled.
//
// Only states the unit really had are handed on. systemd announces a change with two signals, first for the Service
// interface, then for the Unit interface (dbus-unit.c, send_changed_signal: "clients may rely on this order to get
// atomic behavior"). Between the two the known values mix the new Service properties with the old Unit ones: a quick
// container could look activating with its process already exited, which reads as a crash. So a Service signal is
// kept without publishing, and the state is published once its Unit signal is in. Likewise, a watched property that
// systemd invalidated holds publishing until the unit has been read again.
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
    private bool _awaitingUnitSignal;
    private bool _awaitingReread;
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

    /// <summary>Reads the unit's properties and publishes the state. Signals that arrive meanwhile are kept, and
    /// ordered against the reply by serial (see <see cref="UnitPropertyLedger"/>).</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _ready = false;
            _awaitingUnitSignal = false;
            _awaitingReread = false;
            _ledger.BeginResync();
        }

        await ReadAllAsync(cancellationToken).ConfigureAwait(false);
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
                _awaitingReread |= reread;
                _awaitingUnitSignal = signal.Interface == SystemdBus.ServiceInterface;
                PublishLocked();
            }
        }
        catch (Exception ex)
        {
            Stop(ex);
            return;
        }

        if (reread)
        {
            _ = RereadAsync();
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

    /// <summary>systemd invalidated a property instead of sending its value: read the unit again.</summary>
    private async Task RereadAsync()
    {
        try
        {
            await ReadAllAsync(_manager.StoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (SystemdManager.IsTransient(ex) || (ex is OperationCanceledException && _manager.StoppingToken.IsCancellationRequested))
        {
            // As for a resynchronisation: the next one reads the unit again.
        }
        catch (Exception ex)
        {
            Stop(ex);
        }
    }

    // One GetAll of every interface: both interfaces from the same moment, in one round trip.
    private async Task ReadAllAsync(CancellationToken cancellationToken)
    {
        (IReadOnlyDictionary<string, Variant> properties, string sender, uint serial) =
            await _manager.GetAllAsync(Path, SystemdBus.AllInterfaces, cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            _ledger.ApplyReply(SystemdBus.UnitInterface, properties, sender, serial);
            _ledger.ApplyReply(SystemdBus.ServiceInterface, properties, sender, serial);
            _ready = true;
            _awaitingReread = false;
            PublishLocked();
        }
    }

    // Not before the first reading, between a Service signal and its Unit signal, or while an invalidated property
    // is being read again.
    private void PublishLocked()
    {
        if (!_ready || _awaitingUnitSignal || _awaitingReread)
        {
            return;
        }

        UnitState state = UnitPropertyDecoder.DecodeState(_ledger.ValuesOf(SystemdBus.UnitInterface), _ledger.ValuesOf(SystemdBus.ServiceInterface));
        if (state != _published)
        {
            _published = state;
            _onChanged(state);
        }
    }
}
