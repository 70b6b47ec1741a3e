using System.Buffers.Binary;
using System.Text;

namespace Vks.Systemd.DBus;

/// <summary>Writes of the basic types: numbers, booleans, strings, object paths and signatures.</summary>
public ref partial struct MessageWriter
{
    // Throws on unpaired surrogates instead of silently sending U+FFFD.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public void WriteByte(byte value)
    {
        EnsureCapacity(1);
        _buffer[_length++] = value;
    }

    public void WriteBool(bool value) => WriteUInt32(value ? 1u : 0u);

    public void WriteInt16(short value) => WriteUInt16(unchecked((ushort)value));

    public void WriteUInt16(ushort value)
    {
        Align(2);
        EnsureCapacity(2);
        Span<byte> target = _buffer.AsSpan(_length, 2);
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(target, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(target, value);
        }

        _length += 2;
    }

    public void WriteInt32(int value) => WriteUInt32(unchecked((uint)value));

    public void WriteUInt32(uint value)
    {
        Align(4);
        EnsureCapacity(4);
        PatchUInt32(_length, value);
        _length += 4;
    }

    public void WriteInt64(long value) => WriteUInt64(unchecked((ulong)value));

    public void WriteUInt64(ulong value)
    {
        Align(8);
        EnsureCapacity(8);
        Span<byte> target = _buffer.AsSpan(_length, 8);
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt64BigEndian(target, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt64LittleEndian(target, value);
        }

        _length += 8;
    }

    public void WriteDouble(double value) => WriteUInt64(BitConverter.DoubleToUInt64Bits(value));

    /// <summary>The index of a file descriptor ('h'). This client does not pass descriptors, so a message that
    /// holds one is refused when it is sent; the method exists for completeness of the type system.</summary>
    public void WriteUnixFdIndex(uint index) => WriteUInt32(index);

    /// <summary>A string: it must not contain NUL nor unpaired surrogates (<see cref="ArgumentException"/>).</summary>
    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteStringCore(value);
    }

    public void WriteObjectPath(ObjectPath value) => WriteStringCore(value.ToString());

    public void WriteSignature(Signature value) => WriteSignatureCore(value.ToString());

    private void WriteStringCore(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A D-Bus string cannot contain NUL.", nameof(value));
        }

        int byteCount;
        try
        {
            byteCount = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException("A D-Bus string must be valid Unicode (it has an unpaired surrogate).", nameof(value), ex);
        }

        WriteUInt32((uint)byteCount);
        EnsureCapacity(byteCount + 1);
        _length += StrictUtf8.GetBytes(value, _buffer.AsSpan(_length));
        _buffer[_length++] = 0;
    }

    /// <summary>A signature already known to be valid ASCII of at most 255 characters.</summary>
    private void WriteSignatureCore(string signature)
    {
        EnsureCapacity(signature.Length + 2);
        _buffer[_length++] = (byte)signature.Length;
        _length += Encoding.ASCII.GetBytes(signature, _buffer.AsSpan(_length));
        _buffer[_length++] = 0;
    }
}
