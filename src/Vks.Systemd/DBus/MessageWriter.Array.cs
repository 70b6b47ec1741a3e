namespace Vks.Systemd.DBus;

/// <summary>Where an array being written starts; pass it to <see cref="MessageWriter.WriteArrayEnd"/>.</summary>
public readonly struct ArrayStart
{
    internal ArrayStart(int lengthOffset, int dataOffset)
    {
        LengthOffset = lengthOffset;
        DataOffset = dataOffset;
    }

    internal int LengthOffset { get; }

    internal int DataOffset { get; }
}

/// <summary>Writes of arrays: <c>var start = writer.WriteArrayStart(DBusType.String); ...; writer.WriteArrayEnd(start);</c>,
/// plus shortcuts for arrays of strings, object paths and bytes.</summary>
public ref partial struct MessageWriter
{
    /// <summary>Writes the length placeholder and the padding to the first element, which the specification
    /// requires even when the array is empty.</summary>
    public ArrayStart WriteArrayStart(DBusType elementType)
    {
        WriteUInt32(0);
        int lengthOffset = _length - 4;
        Align(Signature.GetAlignment((char)elementType));
        return new ArrayStart(lengthOffset, _length);
    }

    /// <summary>Fills in the array's length (its elements and the padding between them, not the initial padding).</summary>
    public void WriteArrayEnd(ArrayStart start)
    {
        int length = _length - start.DataOffset;
        if (length > ProtocolLimits.MaxArrayLength)
        {
            throw new ArgumentException($"An array of {length} bytes exceeds the D-Bus limit of {ProtocolLimits.MaxArrayLength}.", nameof(start));
        }

        PatchUInt32(start.LengthOffset, (uint)length);
    }

    public void WriteArray(scoped ReadOnlySpan<string> items)
    {
        ArrayStart start = WriteArrayStart(DBusType.String);
        foreach (string item in items)
        {
            WriteString(item);
        }

        WriteArrayEnd(start);
    }

    public void WriteArray(scoped ReadOnlySpan<ObjectPath> items)
    {
        ArrayStart start = WriteArrayStart(DBusType.ObjectPath);
        foreach (ObjectPath item in items)
        {
            WriteObjectPath(item);
        }

        WriteArrayEnd(start);
    }

    public void WriteArray(scoped ReadOnlySpan<byte> bytes)
    {
        ArrayStart start = WriteArrayStart(DBusType.Byte);
        EnsureCapacity(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
        WriteArrayEnd(start);
    }
}
