using Vks.Systemd.DBus;

namespace Vks.Systemd.Tests.DBus;

/// <summary>A second connection of our own client acting as a service on the bus: it echoes, fails on purpose,
/// never answers, and serves org.freedesktop.DBus.Properties for one object.</summary>
public sealed class TestPeer : IAsyncDisposable
{
    public const string Interface = "com.example.Peer";
    public const string ObjectPath = "/com/example/Peer";
    public const string ThingInterface = "com.example.Thing";

    private TestPeer(DBusConnection connection) => Connection = connection;

    public DBusConnection Connection { get; }

    public string Name => Connection.UniqueName;

    /// <summary>The properties served for <see cref="ThingInterface"/>: a spread of types like a systemd unit's.</summary>
    public static IReadOnlyDictionary<string, Variant> Properties { get; } = new Dictionary<string, Variant>
    {
        ["Id"] = "nginx.service",
        ["ActiveState"] = "active",
        ["SubState"] = "running",
        ["MainPID"] = 4242u,
        ["ExecMainStartTimestamp"] = 1_700_000_000_000_000UL,
        ["Restart"] = true,
        ["NRestarts"] = 3u,
        ["Names"] = Variant.FromArray(new Signature("s"), "nginx.service", "web.service"),
        ["Job"] = Variant.FromStruct(0u, new ObjectPath("/")),
        ["InvocationID"] = Variant.FromBytes([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]),
        ["CPUWeight"] = -1L,
    };

    public static async Task<TestPeer> StartAsync(PrivateBus bus)
    {
        var peer = new TestPeer(await bus.ConnectAsync());
        peer.Connection.SetMethodCallHandler(peer.Handle);
        return peer;
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    private void Handle(Message call)
    {
        switch (call.Member)
        {
            case "Echo":
                string text = call.GetBodyReader().ReadString();
                Connection.SendReply(call, "s", (ref MessageWriter w) => w.WriteString(text));
                break;
            case "Fail":
                Connection.SendError(call, "com.example.Error.OnPurpose", "failed on purpose");
                break;
            case "Throw":
                throw new InvalidOperationException("the handler threw");
            case "Never":
                break;
            case "GetAll":
                Connection.SendReply(call, "a{sv}", (ref MessageWriter w) => w.WriteDictionary(Properties));
                break;
            case "Get":
                Reader reader = call.GetBodyReader();
                reader.ReadString();
                string name = reader.ReadString();
                if (Properties.TryGetValue(name, out Variant value))
                {
                    Connection.SendReply(call, "v", (ref MessageWriter w) => w.WriteVariant(value));
                }
                else
                {
                    Connection.SendError(call, "org.freedesktop.DBus.Error.UnknownProperty", $"No property {name}.");
                }

                break;
            default:
                Connection.SendError(call, "org.freedesktop.DBus.Error.UnknownMethod", $"No method {call.Member}.");
                break;
        }
    }
}
