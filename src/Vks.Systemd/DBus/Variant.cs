using System.Globalization;
using System.Text;

namespace Vks.Systemd.DBus;

/// <summary>A self-describing D-Bus value ('v'): a single complete type and a value of that type, fully
/// materialised so it outlives the message it came from. Property values (a{sv}) arrive as these.
/// Numbers are stored inline; strings, arrays and structs in one reference. Equality compares the
/// signature and the value (doubles by their bits).</summary>
public readonly struct Variant : IEquatable<Variant>
{
    private readonly string? _signature;
    // Numbers as their wire bits, zero-extended, so values read from a message compare equal to built ones.
    private readonly ulong _bits;

    // string for s/o/g, byte[] for ay, Variant[] for other arrays, struct fields and dict entries,
    // and a boxed Variant for a variant inside a variant.
    private readonly object? _object;

    private Variant(string signature, ulong bits, object? value)
    {
        _signature = signature;
        _bits = bits;
        _object = value;
    }

    public Variant(byte value) : this("y", value, null) { }

    public Variant(bool value) : this("b", value ? 1UL : 0UL, null) { }

    public Variant(short value) : this("n", unchecked((ushort)value), null) { }

    public Variant(ushort value) : this("q", value, null) { }

    public Variant(int value) : this("i", unchecked((uint)value), null) { }

    public Variant(uint value) : this("u", value, null) { }

    public Variant(long value) : this("x", unchecked((ulong)value), null) { }

    public Variant(ulong value) : this("t", value, null) { }

    public Variant(double value) : this("d", BitConverter.DoubleToUInt64Bits(value), null) { }

    /// <summary>A string ('s'). It must not contain NUL or unpaired surrogates; the writer checks when sending.</summary>
    public Variant(string value) : this("s", 0, value ?? throw new ArgumentNullException(nameof(value))) { }

    public Variant(ObjectPath value) : this("o", 0, value.ToString()) { }

    public Variant(Signature value) : this("g", 0, value.ToString()) { }

    /// <summary>The single complete type of the value, e.g. "u", "as" or "a{sv}".</summary>
    public string Signature => _signature ?? throw new InvalidOperationException("A default Variant holds no value.");

    public DBusType Type => (DBusType)Signature[0];

    /// <summary>A file-descriptor index ('h'). Sending one needs fd passing, which this client does not negotiate.</summary>
    public static Variant FromUnixFdIndex(uint index) => new("h", index, null);

    /// <summary>An array of bytes ("ay"), kept as one byte array rather than one variant per byte.</summary>
    public static Variant FromBytes(ReadOnlySpan<byte> bytes) => new("ay", 0, bytes.ToArray());

    /// <summary>An array whose elements all have <paramref name="elementType"/> (a single complete type).</summary>
    public static Variant FromArray(Signature elementType, params ReadOnlySpan<Variant> items)
    {
        string element = elementType.ToString();
        if (!DBus.Signature.IsSingleCompleteType(element))
        {
            throw new ArgumentException($"'{element}' is not a single complete type.", nameof(elementType));
        }

        foreach (Variant item in items)
        {
            if (item.Signature != element)
            {
                throw new ArgumentException($"An element of type '{item.Signature}' does not fit an array of '{element}'.", nameof(items));
            }
        }

        string signature = CheckedSignature("a" + element);
        if (element == "y")
        {
            byte[] bytes = new byte[items.Length];
            for (int i = 0; i < items.Length; i++)
            {
                bytes[i] = items[i].GetByte();
            }

            return new Variant(signature, 0, bytes);
        }

        return new Variant(signature, 0, items.ToArray());
    }

    /// <summary>A dictionary "a{kv}": keys of a basic type, values of one complete type.</summary>
    public static Variant FromDictionary(Signature keyType, Signature valueType, IEnumerable<KeyValuePair<Variant, Variant>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        string key = keyType.ToString();
        if (key.Length != 1 || !DBus.Signature.IsBasic(key[0]))
        {
            throw new ArgumentException($"A dictionary key must be a basic type, not '{key}'.", nameof(keyType));
        }

        string entrySignature = CheckedSignature("{" + key + valueType + "}", "a");
        var entryVariants = new List<Variant>();
        foreach ((Variant entryKey, Variant entryValue) in entries)
        {
            if (entryKey.Signature != key || entryValue.Signature != valueType.ToString())
            {
                throw new ArgumentException($"An entry {{{entryKey.Signature}{entryValue.Signature}}} does not fit '{entrySignature}'.", nameof(entries));
            }

            entryVariants.Add(new Variant(entrySignature, 0, new[] { entryKey, entryValue }));
        }

        return new Variant("a" + entrySignature, 0, entryVariants.ToArray());
    }

    /// <summary>A struct of one or more fields.</summary>
    public static Variant FromStruct(params ReadOnlySpan<Variant> fields)
    {
        if (fields.IsEmpty)
        {
            throw new ArgumentException("A D-Bus struct has at least one field.", nameof(fields));
        }

        var signature = new StringBuilder("(");
        foreach (Variant field in fields)
        {
            signature.Append(field.Signature);
        }

        return new Variant(CheckedSignature(signature.Append(')').ToString()), 0, fields.ToArray());
    }

    /// <summary>A variant that holds another variant ("v" inside "v").</summary>
    public static Variant FromVariant(Variant inner)
    {
        if (inner._signature is null)
        {
            throw new ArgumentException("A default Variant holds no value.", nameof(inner));
        }

        return new Variant("v", 0, inner);
    }

    public byte GetByte() => (byte)Bits('y');

    public bool GetBool() => Bits('b') != 0;

    public short GetInt16() => unchecked((short)Bits('n'));

    public ushort GetUInt16() => (ushort)Bits('q');

    public int GetInt32() => unchecked((int)Bits('i'));

    public uint GetUInt32() => (uint)Bits('u');

    public long GetInt64() => unchecked((long)Bits('x'));

    public ulong GetUInt64() => Bits('t');

    public double GetDouble() => BitConverter.UInt64BitsToDouble(Bits('d'));

    public uint GetUnixFdIndex() => (uint)Bits('h');

    public string GetString() => Reference<string>("s");

    public ObjectPath GetObjectPath() => DBus.ObjectPath.FromValidated(Reference<string>("o"));

    public Signature GetSignature() => DBus.Signature.FromValidated(Reference<string>("g"));

    public Variant GetVariant() => Reference<Variant>("v");

    public ReadOnlyMemory<byte> GetBytes() => Reference<byte[]>("ay");

    /// <summary>The elements of an array, the fields of a struct, or the key and value of a dict entry.</summary>
    public IReadOnlyList<Variant> GetItems()
    {
        if (_object is byte[] bytes)
        {
            return Array.ConvertAll(bytes, b => new Variant(b));
        }

        if (_object is Variant[] items)
        {
            return items;
        }

        throw new InvalidCastException($"A variant of type '{Signature}' has no items.");
    }

    /// <summary>Builds a value the reader has already validated against <paramref name="signature"/>.</summary>
    internal static Variant FromValidated(string signature, ulong bits, object? value) => new(signature, bits, value);

    internal ulong RawBits => _bits;

    internal object? RawObject => _object;

    public static implicit operator Variant(byte value) => new(value);

    public static implicit operator Variant(bool value) => new(value);

    public static implicit operator Variant(short value) => new(value);

    public static implicit operator Variant(ushort value) => new(value);

    public static implicit operator Variant(int value) => new(value);

    public static implicit operator Variant(uint value) => new(value);

    public static implicit operator Variant(long value) => new(value);

    public static implicit operator Variant(ulong value) => new(value);

    public static implicit operator Variant(double value) => new(value);

    public static implicit operator Variant(string value) => new(value);

    public static implicit operator Variant(ObjectPath value) => new(value);

    public static implicit operator Variant(Signature value) => new(value);

    public bool Equals(Variant other) =>
        string.Equals(_signature, other._signature, StringComparison.Ordinal) && _bits == other._bits && ValueEquals(_object, other._object);

    public override bool Equals(object? obj) => obj is Variant other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(_signature, StringComparer.Ordinal);
        hash.Add(_bits);
        switch (_object)
        {
            case string text:
                hash.Add(text, StringComparer.Ordinal);
                break;
            case byte[] bytes:
                hash.AddBytes(bytes);
                break;
            case Variant[] items:
                foreach (Variant item in items)
                {
                    hash.Add(item);
                }

                break;
            case Variant inner:
                hash.Add(inner);
                break;
        }

        return hash.ToHashCode();
    }

    public static bool operator ==(Variant left, Variant right) => left.Equals(right);

    public static bool operator !=(Variant left, Variant right) => !left.Equals(right);

    /// <summary>A readable rendering for logs and test failures, e.g. <c>u 42</c> or <c>as ["a", "b"]</c>.</summary>
    public override string ToString() => _signature is null ? "(none)" : _signature + " " + FormatValue();

    private string FormatValue() => _object switch
    {
        string text when _signature == "s" => "\"" + text + "\"",
        string text => text,
        byte[] bytes => "[" + Convert.ToHexString(bytes) + "]",
        Variant[] items => (_signature![0] == '(' ? "(" : _signature[0] == '{' ? "{" : "[")
            + string.Join(", ", items.Select(item => item.FormatValue()))
            + (_signature[0] == '(' ? ")" : _signature[0] == '{' ? "}" : "]"),
        Variant inner => "<" + inner + ">",
        _ => _signature switch
        {
            "b" => GetBool() ? "true" : "false",
            "d" => GetDouble().ToString("R", CultureInfo.InvariantCulture),
            "n" => GetInt16().ToString(CultureInfo.InvariantCulture),
            "i" => GetInt32().ToString(CultureInfo.InvariantCulture),
            "x" => GetInt64().ToString(CultureInfo.InvariantCulture),
            _ => _bits.ToString(CultureInfo.InvariantCulture),
        },
    };

    private ulong Bits(char expected)
    {
        if (Signature.Length != 1 || Signature[0] != expected)
        {
            throw new InvalidCastException($"The variant holds '{Signature}', not '{expected}'.");
        }

        return _bits;
    }

    private T Reference<T>(string expected)
    {
        if (Signature != expected || _object is not T value)
        {
            throw new InvalidCastException($"The variant holds '{Signature}', not '{expected}'.");
        }

        return value;
    }

    private static string CheckedSignature(string signature, string context = "")
    {
        if (!DBus.Signature.IsSingleCompleteType(context + signature))
        {
            throw new ArgumentException($"'{signature}' would break the D-Bus signature limits (255 characters, 32 nested arrays and 32 nested structs).");
        }

        return signature;
    }

    private static bool ValueEquals(object? left, object? right) => (left, right) switch
    {
        (null, null) => true,
        (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
        (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
        (Variant[] a, Variant[] b) => a.AsSpan().SequenceEqual(b),
        (Variant a, Variant b) => a.Equals(b),
        _ => false,
    };
}
