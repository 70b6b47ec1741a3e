namespace Vks.Systemd.Manager;

/// <summary>The names systemd uses on the bus: its service, the manager object, the interfaces vks reads, and the
/// error names vks tells apart.</summary>
public static class SystemdBus
{
    public const string ServiceName = "org.freedesktop.systemd1";
    public const string ManagerPath = "/org/freedesktop/systemd1";
    public const string ManagerInterface = "org.freedesktop.systemd1.Manager";
    public const string UnitInterface = "org.freedesktop.systemd1.Unit";
    public const string ServiceInterface = "org.freedesktop.systemd1.Service";

    /// <summary>GetAll with an empty interface name: systemd (sd-bus) answers with the properties of every interface
    /// of the object in one reply, so a unit's Unit and Service properties come from the same moment.</summary>
    public const string AllInterfaces = "";

    /// <summary>Every unit object lives below this path; the rest of the path is the escaped unit name.</summary>
    public const string UnitPathPrefix = "/org/freedesktop/systemd1/unit";

    /// <summary>GetUnit on a unit that is not loaded; StartUnit and friends on a unit without a unit file.</summary>
    public const string NoSuchUnitError = "org.freedesktop.systemd1.NoSuchUnit";

    /// <summary>Subscribe from a client that is already subscribed.</summary>
    public const string AlreadySubscribedError = "org.freedesktop.systemd1.AlreadySubscribed";
}
