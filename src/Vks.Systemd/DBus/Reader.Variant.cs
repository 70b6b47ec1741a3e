using System.Text;

namespace Vks.Systemd.DBus;

/// <summary>Reads of variants, and the signature-driven walk that both materialises variant values and validates
/// whole bodies.</summary>
public ref partial struct Reader
{
    /// <summary>Reads a variant and materialises its value, whatever its type.</summary>
    public Variant ReadVariant()
    {
        Expect('v');
        return ReadVariantCore(0, materialize: true);
    }

    /// <summary>Steps over a variant, validating it without materialising it (header fields we do not know).</summary>
    internal void SkipVariant()
    {
        Expect('v');
        ReadVariantCore(0, materialize: false);
    }

    private Variant ReadVariantCore(int depth, bool materialize)
    {
        CheckDepth(depth + 1);
        string signature = ReadSignatureCore();
        if (!DBus.Signature.IsSingleCompleteType(signature))
        {
            throw new DBusProtocolException($"A variant's signature '{signature}' is not a single complete type.");
        }

        return ReadValue(signature, 0, signature.Length, depth + 1, materialize);
    }

    /// <summary>Reads the value whose complete type is <paramref name="signature"/>[start..end). Without
    /// <paramref name="materialize"/> it only validates and returns a default variant.</summary>
    private Variant ReadValue(string signature, int start, int end, int depth, bool materialize)
    {
        char code = signature[start];
        switch (code)
        {
            case 'y':
                return Basic(code, ReadByteCore(), materialize);
            case 'b':
                return Basic(code, ReadBoolCore() ? 1UL : 0UL, materialize);
            case 'n':
            case 'q':
                return Basic(code, ReadUInt16Core(), materialize);
            case 'i':
            case 'u':
                return Basic(code, ReadUInt32Core(), materialize);
            case 'h':
                return Basic(code, ReadUnixFdIndexCore(), materialize);
            case 'x':
            case 't':
            case 'd':
                return Basic(code, ReadUInt64Core(), materialize);
            case 's':
                {
                    ReadOnlySpan<byte> bytes = ReadStringCore();
                    return materialize ? Variant.FromValidated("s", 0, Encoding.UTF8.GetString(bytes)) : default;
                }

            case 'o':
                {
                    ReadOnlySpan<byte> bytes = ReadObjectPathCore();
                    return materialize ? Variant.FromValidated("o", 0, Encoding.UTF8.GetString(bytes)) : default;
                }

            case 'g':
                {
                    string value = ReadSignatureCore();
                    return materialize ? Variant.FromValidated("g", 0, value) : default;
                }

            case 'v':
                {
                    Variant inner = ReadVariantCore(depth, materialize);
                    return materialize ? Variant.FromValidated("v", 0, inner) : default;
                }

            case 'a':
                return ReadArrayValue(signature, start, end, depth, materialize);
            case '(':
            case '{':
                return ReadStructValue(signature, start, end, depth, materialize);
            default:
                throw new DBusProtocolException($"'{code}' is not a D-Bus type code.");
        }
    }

    private Variant ReadArrayValue(string signature, int start, int end, int depth, bool materialize)
    {
        CheckDepth(depth + 1);
        int elementStart = start + 1;
        char elementCode = signature[elementStart];
        int arrayEnd = ReadArrayLength(elementCode);

        if (elementCode == 'y')
        {
            ReadOnlySpan<byte> bytes = Take(arrayEnd - _offset);
            return materialize ? Variant.FromValidated(SignatureOf(signature, start, end), 0, bytes.ToArray()) : default;
        }

        // Numbers need no per-element check: their length only has to be a whole number of elements.
        int fixedSize = DBus.Signature.GetFixedSize(elementCode);
        if (!materialize && fixedSize > 0 && elementCode is not 'b' and not 'h')
        {
            if ((arrayEnd - _offset) % fixedSize != 0)
            {
                throw new DBusProtocolException($"An array of '{elementCode}' is not a whole number of elements long.");
            }

            _offset = arrayEnd;
            return default;
        }

        List<Variant>? items = materialize ? new List<Variant>() : null;
        while (_offset < arrayEnd)
        {
            Variant item = ReadValue(signature, elementStart, end, depth + 1, materialize);
            items?.Add(item);
        }

        if (_offset != arrayEnd)
        {
            throw new DBusProtocolException("An array element runs past the array's length.");
        }

        return materialize ? Variant.FromValidated(SignatureOf(signature, start, end), 0, items!.ToArray()) : default;
    }

    /// <summary>Structs and dict entries: aligned to 8, then their fields in order.</summary>
    private Variant ReadStructValue(string signature, int start, int end, int depth, bool materialize)
    {
        CheckDepth(depth + 1);
        Align(8);
        List<Variant>? fields = materialize ? new List<Variant>() : null;
        int fieldStart = start + 1;
        while (fieldStart < end - 1)
        {
            int fieldEnd = DBus.Signature.SkipCompleteType(signature, fieldStart);
            Variant field = ReadValue(signature, fieldStart, fieldEnd, depth + 1, materialize);
            fields?.Add(field);
            fieldStart = fieldEnd;
        }

        return materialize ? Variant.FromValidated(SignatureOf(signature, start, end), 0, fields!.ToArray()) : default;
    }

    private static Variant Basic(char code, ulong bits, bool materialize) =>
        materialize ? Variant.FromValidated(SingleCharacterSignatures[code]!, bits, null) : default;

    private static string SignatureOf(string signature, int start, int end) =>
        start == 0 && end == signature.Length ? signature : signature[start..end];

    private static void CheckDepth(int depth)
    {
        if (depth > ProtocolLimits.MaxTotalDepth)
        {
            throw new DBusProtocolException($"Values are nested more than {ProtocolLimits.MaxTotalDepth} containers deep.");
        }
    }
}
