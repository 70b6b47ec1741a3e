// The latest known value of each watched property of one unit, and which message it came from.
//
// Replies (GetAll) and signals (PropertiesChanged) reach vks on different tasks, so they can be handled out of the
// order systemd sent them in. systemd numbers everything it sends on one connection in sending order (the message
// serial), so each value keeps the serial of its message and an older message never overwrites a newer value.
//
// When systemd comes back with a new connection (daemon-reexec, a restarted bus) its serials start again, and
// serials of two connections cannot be compared; a restarted bus may even hand out the same unique name again.
// So a resynchronisation starts a new epoch: values from an earlier epoch give way to any message of the new one.
// A GetAll reply is authoritative: it names the sender whose messages count from then on. Signals from any other
// sender are dropped; the GetAll that follows a reconnection was sent after they were, so its reply already holds
// what they said.
// One case stays open: a signal of the old connection still queued when the resynchronisation starts, from a
// sender whose unique name the restarted bus gave to systemd again, counts as new until the next change.
using Vks.Systemd.DBus;

namespace Vks.Systemd.Manager;

internal sealed class UnitPropertyLedger(IReadOnlyDictionary<string, IReadOnlySet<string>> tracked)
{
    private readonly Dictionary<(string Interface, string Name), Entry> _entries = [];
    private string? _authoritativeSender;
    private int _epoch;

    /// <summary>Starts a new epoch and forgets which sender is authoritative until the next reply: systemd may have a
    /// new connection.</summary>
    public void BeginResync()
    {
        _epoch++;
        _authoritativeSender = null;
    }

    /// <summary>Applies a PropertiesChanged signal. Invalidated properties keep their value, but count as changed at
    /// this serial, so only a newer reply can set them again.</summary>
    public void ApplySignal(PropertiesChanged signal, string sender, uint serial)
    {
        ArgumentNullException.ThrowIfNull(signal);
        if (_authoritativeSender is not null && _authoritativeSender != sender)
        {
            return;
        }

        Apply(signal.Interface, signal.Changed, sender, serial);
        foreach (string name in signal.Invalidated)
        {
            if (IsTracked(signal.Interface, name) && _entries.TryGetValue((signal.Interface, name), out Entry entry) && IsNewer(entry, sender, serial))
            {
                _entries[(signal.Interface, name)] = entry with { Sender = sender, Serial = serial, Epoch = _epoch };
            }
        }
    }

    /// <summary>Applies the properties of a GetAll reply and makes its sender the authoritative one.</summary>
    public void ApplyReply(string @interface, IReadOnlyDictionary<string, Variant> properties, string sender, uint serial)
    {
        _authoritativeSender = sender;
        Apply(@interface, properties, sender, serial);
    }

    public bool IsTracked(string @interface, string name) =>
        tracked.TryGetValue(@interface, out IReadOnlySet<string>? names) && names.Contains(name);

    /// <summary>The values known for one interface.</summary>
    public IReadOnlyDictionary<string, Variant> ValuesOf(string @interface)
    {
        var values = new Dictionary<string, Variant>(StringComparer.Ordinal);
        foreach (((string entryInterface, string name), Entry entry) in _entries)
        {
            if (entryInterface == @interface)
            {
                values[name] = entry.Value;
            }
        }

        return values;
    }

    private void Apply(string @interface, IReadOnlyDictionary<string, Variant> values, string sender, uint serial)
    {
        foreach ((string name, Variant value) in values)
        {
            if (!IsTracked(@interface, name))
            {
                continue;
            }

            if (!_entries.TryGetValue((@interface, name), out Entry entry) || IsNewer(entry, sender, serial))
            {
                _entries[(@interface, name)] = new Entry(value, sender, serial, _epoch);
            }
        }
    }

    /// <summary>A message replaces a value of an earlier epoch, or from another sender (only an authoritative sender
    /// gets this far); from the same sender, only a later serial does. Serials wrap at 2^32, so "later" is the shorter
    /// way round.</summary>
    private bool IsNewer(Entry entry, string sender, uint serial) =>
        entry.Epoch != _epoch || entry.Sender != sender || unchecked((int)(serial - entry.Serial)) > 0;

    private readonly record struct Entry(Variant Value, string Sender, uint Serial, int Epoch);
}
