namespace Vks.Systemd.DBus;

/// <summary>Writes of variants: the value's signature, then the value.</summary>
public ref partial struct MessageWriter
{
    public void WriteVariant(Variant value) => WriteVariantCore(value, 0);

    private void WriteVariantCore(Variant value, int depth)
    {
        CheckDepth(depth + 1);

        WriteSignatureCore(value.Signature);
        WriteValue(value, depth + 1);
    }

    private void WriteValue(Variant value, int depth)
    {
        switch (value.Signature[0])
        {
            case 'y':
                WriteByte((byte)value.RawBits);
                break;
            case 'b':
                WriteBool(value.RawBits != 0);
                break;
            case 'n':
            case 'q':
                WriteUInt16((ushort)value.RawBits);
                break;
            case 'i':
            case 'u':
            case 'h':
                WriteUInt32((uint)value.RawBits);
                break;
            case 'x':
            case 't':
            case 'd':
                WriteUInt64(value.RawBits);
                break;
            case 's':
            case 'o':
                WriteStringCore((string)value.RawObject!);
                break;
            case 'g':
                WriteSignatureCore((string)value.RawObject!);
                break;
            case 'v':
                WriteVariantCore((Variant)value.RawObject!, depth);
                break;
            case 'a':
                WriteArrayValue(value, depth);
                break;
            default:
                // Structs and dict entries: aligned to 8, then their fields.
                CheckDepth(depth + 1);

                WriteStructStart();
                foreach (Variant field in (Variant[])value.RawObject!)
                {
                    WriteValue(field, depth + 1);
                }

                break;
        }
    }

    private void WriteArrayValue(Variant value, int depth)
    {
        if (value.RawObject is byte[] bytes)
        {
            WriteArray(bytes);
            return;
        }

        CheckDepth(depth + 1);

        ArrayStart start = WriteArrayStart((DBusType)value.Signature[1]);
        foreach (Variant item in (Variant[])value.RawObject!)
        {
            WriteValue(item, depth + 1);
        }

        WriteArrayEnd(start);
    }

    /// <summary>A Variant can be built nested arbitrarily deep; stop before the recursion could exhaust the stack.</summary>
    private static void CheckDepth(int depth)
    {
        if (depth > ProtocolLimits.MaxTotalDepth)
        {
            throw new ArgumentException($"Values are nested more than {ProtocolLimits.MaxTotalDepth} containers deep.");
        }
    }
}
