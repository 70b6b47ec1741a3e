namespace Vks.Systemd.DBus;

/// <summary>A PropertiesChanged signal (org.freedesktop.DBus.Properties, signature sa{sv}as): the object, the
/// interface, the new values, and the names of properties that changed without their value being sent.</summary>
public sealed record PropertiesChanged(
    ObjectPath Path,
    string Interface,
    IReadOnlyDictionary<string, Variant> Changed,
    IReadOnlyList<string> Invalidated)
{
    public const string Signature = "sa{sv}as";

    /// <summary>Decodes a PropertiesChanged signal; null for any other message (wrong member or signature).</summary>
    public static PropertiesChanged? TryRead(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Member != "PropertiesChanged" || message.Interface != DBusProperties.Interface || message.Signature != Signature || message.Path is not { } path)
        {
            return null;
        }

        Reader reader = message.GetBodyReader();
        string @interface = reader.ReadString();
        Dictionary<string, Variant> changed = reader.ReadDictionaryOfStringToVariant();
        string[] invalidated = reader.ReadArrayOfString();
        return new PropertiesChanged(path, @interface, changed, invalidated);
    }
}

/// <summary>Shortcuts for org.freedesktop.DBus.Properties on any <see cref="IDBusConnection"/>.</summary>
public static class DBusProperties
{
    public const string Interface = "org.freedesktop.DBus.Properties";

    /// <summary>Properties.Get: one property's value.</summary>
    public static Task<Variant> GetPropertyAsync(
        this IDBusConnection connection,
        string destination,
        string path,
        string @interface,
        string property,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.CallMethodAsync(
            destination,
            path,
            Interface,
            "Get",
            "ss",
            (ref MessageWriter writer) =>
            {
                writer.WriteString(@interface);
                writer.WriteString(property);
            },
            static (ref Reader reader) => reader.ReadVariant(),
            cancellationToken: cancellationToken);
    }

    /// <summary>Properties.GetAll: every property of one interface, by name.</summary>
    public static Task<IReadOnlyDictionary<string, Variant>> GetAllPropertiesAsync(
        this IDBusConnection connection,
        string destination,
        string path,
        string @interface,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.CallMethodAsync<IReadOnlyDictionary<string, Variant>>(
            destination,
            path,
            Interface,
            "GetAll",
            "s",
            (ref MessageWriter writer) => writer.WriteString(@interface),
            static (ref Reader reader) => reader.ReadDictionaryOfStringToVariant(),
            cancellationToken: cancellationToken);
    }

    /// <summary>Subscribes to PropertiesChanged signals selected by <paramref name="rule"/> (sender, path or
    /// path_namespace, and arg0 = the interface, typically); the rule's interface and member are set here.
    /// Messages that are not well-formed PropertiesChanged signals are skipped.</summary>
    public static Task<SignalSubscription> SubscribePropertiesChangedAsync(
        this IDBusConnection connection,
        MatchRule rule,
        Action<PropertiesChanged> handler,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(handler);
        return connection.SubscribeAsync(
            rule with { Interface = Interface, Member = "PropertiesChanged" },
            message =>
            {
                if (PropertiesChanged.TryRead(message) is { } changed)
                {
                    handler(changed);
                }
            },
            cancellationToken);
    }
}
