using System.Numerics;

namespace Vks.Systemd.DBus;

/// <summary>A D-Bus object path ('o'): "/" or "/" followed by elements of [A-Za-z0-9_] separated by "/".
/// Constructing one validates it, so a value of this type is always valid.</summary>
public readonly struct ObjectPath : IEquatable<ObjectPath>
{
    private readonly string? _value;

    public ObjectPath(string value)
        : this(value, validate: true)
    {
    }

    private ObjectPath(string value, bool validate)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (validate && !IsValid(value))
        {
            throw new ArgumentException($"'{value}' is not a valid D-Bus object path.", nameof(value));
        }

        _value = value;
    }

    public static ObjectPath Root { get; } = new("/", validate: false);

    /// <summary>The path as a string; "/" for a default-constructed value.</summary>
    public override string ToString() => _value ?? "/";

    public static implicit operator string(ObjectPath path) => path.ToString();

    public bool Equals(ObjectPath other) => string.Equals(ToString(), other.ToString(), StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is ObjectPath other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    public static bool operator ==(ObjectPath left, ObjectPath right) => left.Equals(right);

    public static bool operator !=(ObjectPath left, ObjectPath right) => !left.Equals(right);

    public static bool IsValid(ReadOnlySpan<char> path) => IsValidCore(path);

    /// <summary>The same check on the UTF-8 bytes of a path read from the wire.</summary>
    internal static bool IsValid(ReadOnlySpan<byte> path) => IsValidCore(path);

    private static bool IsValidCore<T>(ReadOnlySpan<T> path)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (path.IsEmpty || int.CreateTruncating(path[0]) != '/')
        {
            return false;
        }

        if (path.Length == 1)
        {
            return true;
        }

        if (int.CreateTruncating(path[^1]) == '/')
        {
            return false;
        }

        int previous = '/';
        for (int i = 1; i < path.Length; i++)
        {
            int c = int.CreateTruncating(path[i]);
            if (c == '/')
            {
                if (previous == '/')
                {
                    return false;
                }
            }
            else if (!char.IsAsciiLetterOrDigit((char)c) && c != '_')
            {
                return false;
            }

            previous = c;
        }

        return true;
    }

    /// <summary>For paths the reader has already validated.</summary>
    internal static ObjectPath FromValidated(string value) => new(value, validate: false);
}
