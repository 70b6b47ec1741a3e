namespace Vks.Systemd.DBus;

/// <summary>Reads one value of a message body; used with <see cref="Reader"/> to decode replies and signals.</summary>
public delegate T BodyReader<T>(ref Reader reader);

/// <summary>Reads the values of a message body in signature order, in either byte order. Every read checks the
/// next type in the body's signature, so decoding a body that has other types than the caller expects fails with
/// a <see cref="DBusProtocolException"/> instead of yielding garbage. Every length is checked against the bytes
/// that are really there before it is used, so no input makes it read out of bounds or allocate more than the
/// message holds. The partial files hold the reads by type family (Basic, Array, Struct, Dictionary, Variant).</summary>
public ref partial struct Reader
{
    // The message up to the end of the region being read. Offsets count from the start of the message because
    // alignment does; the body itself starts on an 8-byte boundary.
    private readonly ReadOnlySpan<byte> _data;
    private readonly bool _bigEndian;
    private readonly string _signature;
    private readonly int _unixFdCount;
    private int _offset;
    private int _signaturePosition;

    internal Reader(ReadOnlySpan<byte> data, int offset, bool bigEndian, string signature, int unixFdCount)
    {
        _data = data;
        _offset = offset;
        _bigEndian = bigEndian;
        _signature = signature;
        _unixFdCount = unixFdCount;
    }

    /// <summary>The signature of the whole body being read.</summary>
    public readonly string Signature => _signature;

    /// <summary>True when every value of the signature has been read.</summary>
    public readonly bool IsAtEnd
    {
        get
        {
            int position = _signaturePosition;
            while (position < _signature.Length && _signature[position] is ')' or '}')
            {
                position++;
            }

            return position == _signature.Length;
        }
    }

    /// <summary>Walks the whole body, checking every rule of the specification (alignment padding is zero,
    /// booleans are 0 or 1, strings are valid UTF-8 without NUL, paths and signatures are valid, lengths and
    /// nesting are within limits, no bytes are left over) without materialising anything.</summary>
    internal void ValidateBody()
    {
        int position = _signaturePosition;
        while (position < _signature.Length)
        {
            int end = DBus.Signature.SkipCompleteType(_signature, position);
            ReadValue(_signature, position, end, 0, materialize: false);
            position = end;
        }

        if (_offset != _data.Length)
        {
            throw new DBusProtocolException($"The body has {_data.Length - _offset} bytes past its signature '{_signature}'.");
        }
    }

    /// <summary>Consumes the next type code of the signature, checking it is <paramref name="code"/>. The ends of
    /// structs and dict entries need no read of their own, so they are stepped over here.</summary>
    private void Expect(char code)
    {
        while (_signaturePosition < _signature.Length && _signature[_signaturePosition] is ')' or '}')
        {
            _signaturePosition++;
        }

        if (_signaturePosition >= _signature.Length)
        {
            throw new DBusProtocolException($"Expected a value of type '{code}' but the body '{_signature}' has no more values.");
        }

        char actual = _signature[_signaturePosition];
        if (actual != code)
        {
            throw new DBusProtocolException($"Expected a value of type '{code}' but the body '{_signature}' has '{actual}' at position {_signaturePosition}.");
        }

        _signaturePosition++;
    }

    private void Align(int alignment)
    {
        int padded = (_offset + alignment - 1) & ~(alignment - 1);
        if (padded > _data.Length)
        {
            throw Truncated();
        }

        if (_data[_offset..padded].ContainsAnyExcept((byte)0))
        {
            throw new DBusProtocolException($"Alignment padding at offset {_offset} is not zero.");
        }

        _offset = padded;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)(_data.Length - _offset))
        {
            throw Truncated();
        }

        ReadOnlySpan<byte> bytes = _data.Slice(_offset, count);
        _offset += count;
        return bytes;
    }

    private readonly DBusProtocolException Truncated() =>
        new($"The message ends inside a value at offset {_offset} (length {_data.Length}).");
}
