using System.Collections.Concurrent;
using Vks.Systemd.DBus;
using Vks.Systemd.Manager;
using Vks.Systemd.Tests.DBus;

namespace Vks.Systemd.Tests.Manager;

/// <summary>A stand-in for systemd on a private bus: a connection of our own client that owns
/// org.freedesktop.systemd1 and answers the manager calls vks makes, with whatever outcome a test sets up — the
/// edge cases the real systemd in the testbed cannot be made to produce on demand (NoSuchUnit, each job result, a
/// JobRemoved handled before its reply, a property sent with the wrong type, invalidated properties).</summary>
internal sealed class FakeSystemd : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, FakeUnit> _units = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _calls = new();
    private readonly HashSet<string> _subscribers = [];
    private readonly ConcurrentQueue<Message> _heldReloads = new();
    private volatile bool _holdReloads;
    private uint _lastJob;

    private FakeSystemd(DBusConnection connection) => Connection = connection;

    public DBusConnection Connection { get; }

    /// <summary>Every call received, as "Member arg,arg,...", in order.</summary>
    public IReadOnlyCollection<string> Calls => _calls;

    /// <summary>The result JobRemoved reports for a job on a unit; "done" when not set.</summary>
    public ConcurrentDictionary<string, string> JobResults { get; } = new(StringComparer.Ordinal);

    /// <summary>Emit JobRemoved before sending the reply that names the job, so the client handles the signal first
    /// or at the same time.</summary>
    public bool RemoveJobsBeforeReplying { get; set; }

    /// <summary>Jobs are left pending: no JobRemoved is sent.</summary>
    public bool KeepJobsPending { get; set; }

    /// <param name="setUp">Runs before the fake takes the name, so a client that is waiting for systemd to come
    /// back finds the units already there.</param>
    /// <summary>Reload calls get no reply until <see cref="ReleaseReloads"/>: calls pile up in flight.</summary>
    public void HoldReloads() => _holdReloads = true;

    public void ReleaseReloads()
    {
        _holdReloads = false;
        while (_heldReloads.TryDequeue(out Message? call))
        {
            Connection.SendReply(call);
        }
    }

    public static async Task<FakeSystemd> StartAsync(PrivateBus bus, Action<FakeSystemd>? setUp = null)
    {
        DBusConnection connection = await bus.ConnectAsync();
        var fake = new FakeSystemd(connection);
        setUp?.Invoke(fake);
        connection.SetMethodCallHandler(fake.Handle);
        // ALLOW_REPLACEMENT | REPLACE_EXISTING: the fake of the previous test may not have left the bus yet.
        uint reply = await BusDriver.RequestNameAsync(connection, SystemdBus.ServiceName, flags: 1 | 2);
        Assert.Equal(1u, reply); // DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER
        return fake;
    }

    public static ObjectPath PathOf(string unitName) =>
        new(SystemdBus.UnitPathPrefix + "/" + unitName.Replace(".", "_2e", StringComparison.Ordinal).Replace("-", "_2d", StringComparison.Ordinal));

    /// <summary>A loaded service with the properties of <see cref="SystemdProperties"/>, overridden by the arguments.</summary>
    public FakeUnit AddService(string name, string activeState = "inactive", string subState = "dead")
    {
        Dictionary<string, Variant> unit = SystemdProperties.Unit(activeState, subState);
        unit["Id"] = name;
        var fake = new FakeUnit(name, PathOf(name), unit, SystemdProperties.Service());
        _units[name] = fake;
        return fake;
    }

    /// <summary>Changes properties and signals the change, as systemd does (values in Changed, names in Invalidated).</summary>
    public void Change(FakeUnit unit, string @interface, Dictionary<string, Variant> changed, params string[] invalidated)
    {
        Dictionary<string, Variant> properties = unit.PropertiesOf(@interface);
        lock (properties)
        {
            foreach ((string name, Variant value) in changed)
            {
                properties[name] = value;
            }
        }

        EmitPropertiesChanged(unit, @interface, changed, invalidated);
    }

    /// <summary>Changes properties without saying so: only a later read sees them.</summary>
    public static void ChangeSilently(FakeUnit unit, string @interface, string name, Variant value)
    {
        Dictionary<string, Variant> properties = unit.PropertiesOf(@interface);
        lock (properties)
        {
            properties[name] = value;
        }
    }

    public void EmitPropertiesChanged(FakeUnit unit, string @interface, Dictionary<string, Variant> changed, params string[] invalidated) =>
        Connection.EmitSignal(unit.Path, DBusProperties.Interface, "PropertiesChanged", "sa{sv}as", (ref MessageWriter w) =>
        {
            w.WriteString(@interface);
            w.WriteDictionary(changed);
            w.WriteArray(invalidated);
        });

    public int CountCalls(string member) => _calls.Count(call => call == member || call.StartsWith(member + " ", StringComparison.Ordinal));

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    private void Handle(Message call)
    {
        Reader reader = call.GetBodyReader();
        switch (call.Member)
        {
            case "Subscribe":
                _calls.Enqueue("Subscribe");
                if (_subscribers.Add(call.Sender!))
                {
                    Connection.SendReply(call);
                }
                else
                {
                    Connection.SendError(call, SystemdBus.AlreadySubscribedError, "Client is already subscribed.");
                }

                break;
            case "Reload":
                _calls.Enqueue("Reload");
                if (_holdReloads)
                {
                    _heldReloads.Enqueue(call);
                    if (_holdReloads)
                    {
                        break;
                    }

                    ReleaseReloads(); // released while this one was being held
                    break;
                }

                Connection.SendReply(call);
                break;
            case "GetUnit" or "LoadUnit":
                string name = reader.ReadString();
                _calls.Enqueue($"{call.Member} {name}");
                if (call.Member == "LoadUnit" || _units.ContainsKey(name))
                {
                    Connection.SendReply(call, "o", (ref MessageWriter w) => w.WriteObjectPath(PathOf(name)));
                }
                else
                {
                    Connection.SendError(call, SystemdBus.NoSuchUnitError, $"Unit {name} not loaded.");
                }

                break;
            case "StartUnit" or "StopUnit" or "RestartUnit":
                QueueJob(call, reader.ReadString(), reader.ReadString());
                break;
            case "KillUnit":
                _calls.Enqueue($"KillUnit {reader.ReadString()},{reader.ReadString()},{reader.ReadInt32()}");
                Connection.SendReply(call);
                break;
            case "ResetFailedUnit":
                _calls.Enqueue($"ResetFailedUnit {reader.ReadString()}");
                Connection.SendReply(call);
                break;
            case "ListUnitsByPatterns":
                _calls.Enqueue($"ListUnitsByPatterns {string.Join('|', reader.ReadArrayOfString())},{string.Join('|', reader.ReadArrayOfString())}");
                Connection.SendReply(call, "a(ssssssouso)", WriteUnitList);
                break;
            case "GetAll":
                string @interface = reader.ReadString();
                _calls.Enqueue($"GetAll {call.Path} {@interface}");
                FakeUnit? unit = _units.Values.FirstOrDefault(u => u.Path == call.Path);
                if (unit is null)
                {
                    Connection.SendError(call, "org.freedesktop.DBus.Error.UnknownObject", $"No object {call.Path}.");
                    break;
                }

                // Read and sent under the locks that Change updates under before it signals, as systemd's single
                // thread would: a reply never carries values older than a signal sent before it.
                lock (unit.Unit)
                {
                    lock (unit.Service)
                    {
                        Dictionary<string, Variant> copy = @interface == SystemdBus.AllInterfaces
                            ? new(unit.Unit.Concat(unit.Service))
                            : new(unit.PropertiesOf(@interface));
                        Connection.SendReply(call, "a{sv}", (ref MessageWriter w) => w.WriteDictionary(copy));
                    }
                }

                break;
            default:
                Connection.SendError(call, "org.freedesktop.DBus.Error.UnknownMethod", $"The fake has no {call.Member}.");
                break;
        }
    }

    private void QueueJob(Message call, string unitName, string mode)
    {
        _calls.Enqueue($"{call.Member} {unitName},{mode}");
        if (!_units.ContainsKey(unitName))
        {
            Connection.SendError(call, SystemdBus.NoSuchUnitError, $"Unit {unitName} not found.");
            return;
        }

        uint id = ++_lastJob;
        var job = new ObjectPath($"/org/freedesktop/systemd1/job/{id}");
        string result = JobResults.GetValueOrDefault(unitName, "done");
        if (KeepJobsPending)
        {
            Connection.SendReply(call, "o", (ref MessageWriter w) => w.WriteObjectPath(job));
        }
        else if (RemoveJobsBeforeReplying)
        {
            EmitJobRemoved(id, job, unitName, result);
            Connection.SendReply(call, "o", (ref MessageWriter w) => w.WriteObjectPath(job));
        }
        else
        {
            Connection.SendReply(call, "o", (ref MessageWriter w) => w.WriteObjectPath(job));
            EmitJobRemoved(id, job, unitName, result);
        }
    }

    private void EmitJobRemoved(uint id, ObjectPath job, string unitName, string result) =>
        Connection.EmitSignal(SystemdBus.ManagerPath, SystemdBus.ManagerInterface, "JobRemoved", "uoss", (ref MessageWriter w) =>
        {
            w.WriteUInt32(id);
            w.WriteObjectPath(job);
            w.WriteString(unitName);
            w.WriteString(result);
        });

    private void WriteUnitList(ref MessageWriter w)
    {
        ArrayStart start = w.WriteArrayStart(DBusType.Struct);
        foreach (FakeUnit unit in _units.Values.OrderBy(u => u.Name, StringComparer.Ordinal))
        {
            w.WriteStructStart();
            w.WriteString(unit.Name);
            w.WriteString("Description of " + unit.Name);
            w.WriteString(unit.Unit["LoadState"].GetString());
            w.WriteString(unit.Unit["ActiveState"].GetString());
            w.WriteString(unit.Unit["SubState"].GetString());
            w.WriteString(string.Empty);
            w.WriteObjectPath(unit.Path);
            w.WriteUInt32(0);
            w.WriteString(string.Empty);
            w.WriteObjectPath(ObjectPath.Root);
        }

        w.WriteArrayEnd(start);
    }
}

internal sealed record FakeUnit(string Name, ObjectPath Path, Dictionary<string, Variant> Unit, Dictionary<string, Variant> Service)
{
    public Dictionary<string, Variant> PropertiesOf(string @interface) => @interface switch
    {
        SystemdBus.UnitInterface => Unit,
        SystemdBus.ServiceInterface => Service,
        _ => throw new ArgumentException($"The fake has no interface {@interface}.", nameof(@interface)),
    };
}
