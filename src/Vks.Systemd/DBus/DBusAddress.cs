using System.Net.Sockets;
using System.Text;

namespace Vks.Systemd.DBus;

/// <summary>One entry of a D-Bus server address, e.g. <c>unix:path=/run/dbus/system_bus_socket</c> or
/// <c>unix:abstract=/tmp/dbus-XYZ,guid=...</c>. Only Unix sockets are supported: that is what the system bus uses.</summary>
public sealed record DBusAddress
{
    public const string DefaultSystemBus = "unix:path=/run/dbus/system_bus_socket";

    private DBusAddress(string path, bool isAbstract, string? guid)
    {
        Path = path;
        IsAbstract = isAbstract;
        Guid = guid;
    }

    /// <summary>The socket path, or the abstract name (without the leading NUL) when <see cref="IsAbstract"/>.</summary>
    public string Path { get; }

    public bool IsAbstract { get; }

    /// <summary>The server GUID the address names, when it names one.</summary>
    public string? Guid { get; }

    /// <summary>The system bus address: DBUS_SYSTEM_BUS_ADDRESS when set, else the default socket.</summary>
    public static string SystemBus =>
        Environment.GetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS") is { Length: > 0 } address ? address : DefaultSystemBus;

    internal UnixDomainSocketEndPoint EndPoint => new(IsAbstract ? "\0" + Path : Path);

    public override string ToString() => IsAbstract ? $"unix:abstract={Path}" : $"unix:path={Path}";

    /// <summary>Parses an address list: entries separated by ';', each "transport:key=value,key=value" with
    /// values %-escaped. Entries of other transports are skipped; an address with no usable entry, or a malformed
    /// one, is refused with <see cref="FormatException"/>.</summary>
    public static IReadOnlyList<DBusAddress> ParseList(string addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var result = new List<DBusAddress>();
        foreach (string entry in addresses.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            if (ParseEntry(entry) is { } address)
            {
                result.Add(address);
            }
        }

        return result.Count > 0 ? result : throw new FormatException($"'{addresses}' holds no unix:path= or unix:abstract= address.");
    }

    private static DBusAddress? ParseEntry(string entry)
    {
        int colon = entry.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new FormatException($"D-Bus address '{entry}' has no transport.");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in entry[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"D-Bus address '{entry}' has a key without a value.");
            }

            if (!values.TryAdd(pair[..equals], Unescape(pair[(equals + 1)..])))
            {
                throw new FormatException($"D-Bus address '{entry}' repeats the key '{pair[..equals]}'.");
            }
        }

        if (entry[..colon] != "unix")
        {
            return null;
        }

        values.TryGetValue("guid", out string? guid);
        bool hasPath = values.TryGetValue("path", out string? path);
        bool hasAbstract = values.TryGetValue("abstract", out string? abstractName);
        return (hasPath, hasAbstract) switch
        {
            (true, false) when path!.Length > 0 => new DBusAddress(path, isAbstract: false, guid),
            (false, true) when abstractName!.Length > 0 => new DBusAddress(abstractName, isAbstract: true, guid),
            _ => null, // unix:tmpdir=, unix:dir= and unix:runtime= are for servers to listen on, not for clients
        };
    }

    /// <summary>Undoes the %-escaping of address values: "%xx" is the byte with hex value xx; the bytes are UTF-8.</summary>
    private static string Unescape(string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        var bytes = new List<byte>(value.Length);
        int position = 0;
        while (position < value.Length)
        {
            int percent = value.IndexOf('%', position);
            int runEnd = percent < 0 ? value.Length : percent;
            bytes.AddRange(Encoding.UTF8.GetBytes(value[position..runEnd]));
            if (percent < 0)
            {
                break;
            }

            if (percent + 2 >= value.Length || !char.IsAsciiHexDigit(value[percent + 1]) || !char.IsAsciiHexDigit(value[percent + 2]))
            {
                throw new FormatException($"'{value}' has a malformed %-escape.");
            }

            bytes.Add(Convert.ToByte(value.Substring(percent + 1, 2), 16));
            position = percent + 3;
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
