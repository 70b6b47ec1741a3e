namespace Vks.Systemd.DBus;

/// <summary>A D-Bus type signature ('g'): zero or more complete types, at most 255 characters, with at most 32
/// nested arrays and 32 nested structs/dict entries. Constructing one validates it, so a value of this type is
/// always valid. The static members hold the signature grammar the reader and writer share.</summary>
public readonly struct Signature : IEquatable<Signature>
{
    private const string BasicTypeCodes = "ybnqiuxtdhsog";

    private readonly string? _value;

    public Signature(string value)
        : this(value, validate: true)
    {
    }

    private Signature(string value, bool validate)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (validate && !IsValid(value))
        {
            throw new ArgumentException($"'{value}' is not a valid D-Bus signature.", nameof(value));
        }

        _value = value;
    }

    /// <summary>The signature as a string; "" for a default-constructed value.</summary>
    public override string ToString() => _value ?? string.Empty;

    public static implicit operator string(Signature signature) => signature.ToString();

    public bool Equals(Signature other) => string.Equals(ToString(), other.ToString(), StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is Signature other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    public static bool operator ==(Signature left, Signature right) => left.Equals(right);

    public static bool operator !=(Signature left, Signature right) => !left.Equals(right);

    /// <summary>True when <paramref name="signature"/> is a sequence of zero or more valid complete types.</summary>
    public static bool IsValid(ReadOnlySpan<char> signature)
    {
        if (signature.Length > ProtocolLimits.MaxSignatureLength)
        {
            return false;
        }

        int position = 0;
        while (position < signature.Length)
        {
            position = ParseCompleteType(signature, position, 0, 0);
            if (position < 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="signature"/> is exactly one valid complete type, as a variant needs.</summary>
    public static bool IsSingleCompleteType(ReadOnlySpan<char> signature) =>
        signature.Length <= ProtocolLimits.MaxSignatureLength && !signature.IsEmpty && ParseCompleteType(signature, 0, 0, 0) == signature.Length;

    internal static Signature FromValidated(string value) => new(value, validate: false);

    internal static bool IsBasic(char typeCode) => BasicTypeCodes.Contains(typeCode, StringComparison.Ordinal);

    /// <summary>The alignment of a type's values on the wire, relative to the start of the message.</summary>
    internal static int GetAlignment(char typeCode) => typeCode switch
    {
        'y' or 'g' or 'v' => 1,
        'n' or 'q' => 2,
        'b' or 'i' or 'u' or 'h' or 's' or 'o' or 'a' => 4,
        'x' or 't' or 'd' or '(' or '{' => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(typeCode), typeCode, "Not a D-Bus type code."),
    };

    /// <summary>The wire size of a fixed-size basic type, or 0 for the others.</summary>
    internal static int GetFixedSize(char typeCode) => typeCode switch
    {
        'y' => 1,
        'n' or 'q' => 2,
        'b' or 'i' or 'u' or 'h' => 4,
        'x' or 't' or 'd' => 8,
        _ => 0,
    };

    /// <summary>The position just after the complete type that starts at <paramref name="position"/> in an
    /// already validated signature; a dict entry counts too, as the element of its array.</summary>
    internal static int SkipCompleteType(ReadOnlySpan<char> signature, int position)
    {
        int end = position < signature.Length && signature[position] == '{'
            ? ParseDictEntry(signature, position, 0, 0)
            : ParseCompleteType(signature, position, 0, 0);
        if (end < 0)
        {
            throw new ArgumentException($"No complete type at position {position} of '{signature}'.", nameof(signature));
        }

        return end;
    }

    /// <summary>Parses one complete type; returns the position after it, or -1 when it is not valid.</summary>
    private static int ParseCompleteType(ReadOnlySpan<char> signature, int position, int arrayDepth, int structDepth)
    {
        if (position >= signature.Length)
        {
            return -1;
        }

        char code = signature[position];
        if (code == 'v' || IsBasic(code))
        {
            return position + 1;
        }

        if (code == 'a')
        {
            if (arrayDepth + 1 > ProtocolLimits.MaxArrayDepth)
            {
                return -1;
            }

            if (position + 1 < signature.Length && signature[position + 1] == '{')
            {
                return ParseDictEntry(signature, position + 1, arrayDepth + 1, structDepth);
            }

            return ParseCompleteType(signature, position + 1, arrayDepth + 1, structDepth);
        }

        if (code == '(')
        {
            if (structDepth + 1 > ProtocolLimits.MaxStructDepth)
            {
                return -1;
            }

            int fieldPosition = position + 1;
            if (fieldPosition < signature.Length && signature[fieldPosition] == ')')
            {
                return -1;
            }

            while (fieldPosition < signature.Length && signature[fieldPosition] != ')')
            {
                fieldPosition = ParseCompleteType(signature, fieldPosition, arrayDepth, structDepth + 1);
                if (fieldPosition < 0)
                {
                    return -1;
                }
            }

            return fieldPosition < signature.Length ? fieldPosition + 1 : -1;
        }

        // ')' and '}' without an opening, and '{' outside an array, are not complete types.
        return -1;
    }

    /// <summary>A dict entry "{kv}": only as an array element, with a basic key and one complete value.</summary>
    private static int ParseDictEntry(ReadOnlySpan<char> signature, int position, int arrayDepth, int structDepth)
    {
        if (structDepth + 1 > ProtocolLimits.MaxStructDepth || position + 1 >= signature.Length || !IsBasic(signature[position + 1]))
        {
            return -1;
        }

        int valueEnd = ParseCompleteType(signature, position + 2, arrayDepth, structDepth + 1);
        if (valueEnd < 0 || valueEnd >= signature.Length || signature[valueEnd] != '}')
        {
            return -1;
        }

        return valueEnd + 1;
    }
}
