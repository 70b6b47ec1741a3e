using Vks.Systemd.DBus;

namespace Vks.Bench.DBus;

/// <summary>A second connection of our own client serving Properties.GetAll with ten properties shaped like a
/// systemd unit's, so GetAll can be measured without systemd.</summary>
internal static class PropertiesPeer
{
    public const string UnitPath = "/org/freedesktop/systemd1/unit/bench_2eservice";
    public const string Interface = "org.freedesktop.systemd1.Unit";

    private static readonly Dictionary<string, Variant> Properties = new()
    {
        ["Id"] = "bench.service",
        ["Description"] = "A unit that does not exist",
        ["LoadState"] = "loaded",
        ["ActiveState"] = "active",
        ["SubState"] = "running",
        ["MainPID"] = 4242u,
        ["ActiveEnterTimestamp"] = 1_700_000_000_000_000UL,
        ["NRestarts"] = 0u,
        ["Names"] = Variant.FromArray(new Signature("s"), "bench.service"),
        ["Job"] = Variant.FromStruct(0u, ObjectPath.Root),
    };

    public static void Serve(DBusConnection connection) =>
        connection.SetMethodCallHandler(call =>
        {
            if (call.Interface == DBusProperties.Interface && call.Member == "GetAll")
            {
                connection.SendReply(call, "a{sv}", static (ref MessageWriter w) => w.WriteDictionary(Properties));
            }
            else
            {
                connection.SendError(call, "org.freedesktop.DBus.Error.UnknownMethod", $"No method {call.Member}.");
            }
        });
}
