namespace Vks.Systemd.DBus;

/// <summary>Where an array being read ends; pass it to <see cref="Reader.HasNext"/> after each element.</summary>
public readonly struct ArrayEnd
{
    internal ArrayEnd(int endOffset, int elementSignatureStart, int elementSignatureEnd)
    {
        EndOffset = endOffset;
        ElementSignatureStart = elementSignatureStart;
        ElementSignatureEnd = elementSignatureEnd;
    }

    internal int EndOffset { get; }

    internal int ElementSignatureStart { get; }

    internal int ElementSignatureEnd { get; }
}

/// <summary>Reads of arrays: <c>var end = reader.ReadArrayStart(DBusType.Struct); while (reader.HasNext(end)) { ... }</c>,
/// plus shortcuts for the common arrays of strings, object paths and bytes.</summary>
public ref partial struct Reader
{
    /// <summary>Starts an array whose elements have type <paramref name="elementType"/>; read each element while
    /// <see cref="HasNext"/> returns true.</summary>
    public ArrayEnd ReadArrayStart(DBusType elementType)
    {
        Expect('a');
        char elementCode = (char)elementType;
        if (_signature[_signaturePosition] != elementCode)
        {
            throw new DBusProtocolException($"Expected an array of '{elementCode}' but the body '{_signature}' has an array of '{_signature[_signaturePosition]}' at position {_signaturePosition}.");
        }

        int elementSignatureEnd = DBus.Signature.SkipCompleteType(_signature, _signaturePosition);
        int endOffset = ReadArrayLength(elementCode);
        return new ArrayEnd(endOffset, _signaturePosition, elementSignatureEnd);
    }

    /// <summary>True while the array has another element; after the last one it moves on to the value that follows.</summary>
    public bool HasNext(ArrayEnd end)
    {
        if (_offset > end.EndOffset)
        {
            throw new DBusProtocolException("An array element runs past the array's length.");
        }

        if (_offset == end.EndOffset)
        {
            _signaturePosition = end.ElementSignatureEnd;
            return false;
        }

        _signaturePosition = end.ElementSignatureStart;
        return true;
    }

    public string[] ReadArrayOfString()
    {
        ArrayEnd end = ReadArrayStart(DBusType.String);
        var items = new List<string>();
        while (HasNext(end))
        {
            items.Add(ReadString());
        }

        return items.ToArray();
    }

    public ObjectPath[] ReadArrayOfObjectPath()
    {
        ArrayEnd end = ReadArrayStart(DBusType.ObjectPath);
        var items = new List<ObjectPath>();
        while (HasNext(end))
        {
            items.Add(ReadObjectPath());
        }

        return items.ToArray();
    }

    public byte[] ReadArrayOfByte()
    {
        ArrayEnd end = ReadArrayStart(DBusType.Byte);
        byte[] bytes = Take(end.EndOffset - _offset).ToArray();
        HasNext(end);
        return bytes;
    }

    /// <summary>Reads an array's length and the padding to its first element (present even when it is empty);
    /// returns the offset where the array ends, checked to lie inside the message.</summary>
    private int ReadArrayLength(char elementCode)
    {
        uint length = ReadUInt32Core();
        if (length > ProtocolLimits.MaxArrayLength)
        {
            throw new DBusProtocolException($"An array is {length} bytes long; the limit is {ProtocolLimits.MaxArrayLength}.");
        }

        Align(DBus.Signature.GetAlignment(elementCode));
        if (length > (uint)(_data.Length - _offset))
        {
            throw Truncated();
        }

        return _offset + (int)length;
    }
}
