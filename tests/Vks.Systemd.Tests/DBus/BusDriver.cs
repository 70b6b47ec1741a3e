using Vks.Systemd.DBus;

namespace Vks.Systemd.Tests.DBus;

/// <summary>Calls to the bus itself that the tests need: owning a name, and the match rules the bus holds
/// (org.freedesktop.DBus.Debug.Stats, which Debian's dbus-daemon provides).</summary>
internal static class BusDriver
{
    /// <summary>RequestName; <paramref name="flags"/> as in the spec (1 allow replacement, 2 replace existing).</summary>
    public static Task<uint> RequestNameAsync(IDBusConnection connection, string name, uint flags = 0) =>
        connection.CallMethodAsync(
            DBusConnection.BusName,
            DBusConnection.BusPath,
            DBusConnection.BusInterface,
            "RequestName",
            "su",
            (ref MessageWriter w) =>
            {
                w.WriteString(name);
                w.WriteUInt32(flags);
            },
            static (ref Reader r) => r.ReadUInt32());

    /// <summary>The match rules the bus holds for connection <paramref name="uniqueName"/>, as the bus renders them.</summary>
    public static async Task<string[]> MatchRulesOfAsync(IDBusConnection connection, string uniqueName)
    {
        Dictionary<string, string[]> rules = await connection.CallMethodAsync(
            DBusConnection.BusName,
            DBusConnection.BusPath,
            "org.freedesktop.DBus.Debug.Stats",
            "GetAllMatchRules",
            null,
            null,
            static (ref Reader r) =>
            {
                var byConnection = new Dictionary<string, string[]>();
                ArrayEnd end = r.ReadDictionaryStart();
                while (r.HasNext(end))
                {
                    r.AlignDictEntry();
                    byConnection[r.ReadString()] = r.ReadArrayOfString();
                }

                return byConnection;
            });
        return rules.GetValueOrDefault(uniqueName, []);
    }

    /// <summary>Polls until <paramref name="condition"/> holds; the bus removes a match asynchronously to us.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"Still not true after 10 s: {what}");
    }
}
