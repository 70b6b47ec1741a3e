using System.Buffers;
using System.Buffers.Binary;

namespace Vks.Systemd.DBus;

/// <summary>Writes the values of a message body, in the order of the signature the message was given.</summary>
public delegate void BodyWriter(ref MessageWriter writer);

/// <summary>The header of a message we send. Names are checked before anything is written, because the bus
/// drops a connection that sends an invalid message.</summary>
internal readonly record struct OutgoingHeader(MessageType Type, uint Serial)
{
    public MessageFlags Flags { get; init; }

    public string? Path { get; init; }

    public string? Interface { get; init; }

    public string? Member { get; init; }

    public string? ErrorName { get; init; }

    public uint ReplySerial { get; init; }

    public string? Destination { get; init; }

    public string Signature { get; init; } = string.Empty;
}

/// <summary>A serialised message in a buffer rented from the shared pool; whoever sends it returns the buffer.</summary>
internal readonly record struct OutgoingMessage(byte[] Buffer, int Length)
{
    public void ReturnBuffer() => ArrayPool<byte>.Shared.Return(Buffer);
}

/// <summary>Serialises a message into a pooled buffer that grows as needed, never past the 128 MiB message limit.
/// Body code sees it through <see cref="BodyWriter"/>; the partial files hold the writes by type family (Basic,
/// Array, Struct, Dictionary, Variant). We write little-endian; big-endian exists for tests of the reader.</summary>
public ref partial struct MessageWriter
{
    private const int HeaderFieldPath = 1;
    private const int HeaderFieldInterface = 2;
    private const int HeaderFieldMember = 3;
    private const int HeaderFieldErrorName = 4;
    private const int HeaderFieldReplySerial = 5;
    private const int HeaderFieldDestination = 6;
    private const int HeaderFieldSignature = 8;

    private readonly bool _bigEndian;
    private byte[] _buffer;
    private int _length;

    internal MessageWriter(bool bigEndian)
    {
        _bigEndian = bigEndian;
        _buffer = ArrayPool<byte>.Shared.Rent(256);
    }

    internal readonly ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>Serialises a whole message: header, then the body <paramref name="writeBody"/> writes. The body is
    /// then validated against the header's signature, so a body that does not match it is refused here
    /// (<see cref="ArgumentException"/>) instead of making the bus drop the connection.</summary>
    internal static OutgoingMessage Build(in OutgoingHeader header, BodyWriter? writeBody, bool bigEndian = false)
    {
        CheckHeader(header);
        var writer = new MessageWriter(bigEndian);
        try
        {
            writer.WriteHeader(header);
            int bodyStart = writer._length;
            writeBody?.Invoke(ref writer);
            if (writer._length > ProtocolLimits.MaxMessageLength)
            {
                throw new ArgumentException($"The message would exceed the D-Bus limit of {ProtocolLimits.MaxMessageLength} bytes.", nameof(writeBody));
            }

            writer.PatchUInt32(4, (uint)(writer._length - bodyStart));
            try
            {
                new Reader(writer.WrittenSpan, bodyStart, bigEndian, header.Signature, 0).ValidateBody();
            }
            catch (DBusProtocolException ex)
            {
                throw new ArgumentException($"The body written does not match the signature '{header.Signature}': {ex.Message}", nameof(writeBody), ex);
            }

            var message = new OutgoingMessage(writer._buffer, writer._length);
            writer._buffer = [];
            return message;
        }
        finally
        {
            writer.ReturnBuffer();
        }
    }

    private static void CheckHeader(in OutgoingHeader header)
    {
        if (header.Path is { } path && !ObjectPath.IsValid(path))
        {
            throw new ArgumentException($"'{path}' is not a valid object path.", nameof(header));
        }

        if (header.Interface is { } iface && !DBusNames.IsValidInterface(iface))
        {
            throw new ArgumentException($"'{iface}' is not a valid interface name.", nameof(header));
        }

        if (header.Member is { } member && !DBusNames.IsValidMember(member))
        {
            throw new ArgumentException($"'{member}' is not a valid member name.", nameof(header));
        }

        if (header.ErrorName is { } errorName && !DBusNames.IsValidErrorName(errorName))
        {
            throw new ArgumentException($"'{errorName}' is not a valid error name.", nameof(header));
        }

        if (header.Destination is { } destination && !DBusNames.IsValidBusName(destination))
        {
            throw new ArgumentException($"'{destination}' is not a valid bus name.", nameof(header));
        }

        if (!Signature.IsValid(header.Signature))
        {
            throw new ArgumentException($"'{header.Signature}' is not a valid signature.", nameof(header));
        }
    }

    private void WriteHeader(in OutgoingHeader header)
    {
        WriteByte(_bigEndian ? (byte)'B' : (byte)'l');
        WriteByte((byte)header.Type);
        WriteByte((byte)header.Flags);
        WriteByte(1);
        WriteUInt32(0); // body length, patched once the body is written
        WriteUInt32(header.Serial);

        ArrayStart fields = WriteArrayStart(DBusType.Struct);
        if (header.Path is { } path)
        {
            WriteHeaderField(HeaderFieldPath, "o");
            WriteStringCore(path);
        }

        WriteStringField(HeaderFieldInterface, header.Interface);
        WriteStringField(HeaderFieldMember, header.Member);
        WriteStringField(HeaderFieldErrorName, header.ErrorName);
        if (header.ReplySerial != 0)
        {
            WriteHeaderField(HeaderFieldReplySerial, "u");
            WriteUInt32(header.ReplySerial);
        }

        WriteStringField(HeaderFieldDestination, header.Destination);
        if (header.Signature.Length > 0)
        {
            WriteHeaderField(HeaderFieldSignature, "g");
            WriteSignatureCore(header.Signature);
        }

        WriteArrayEnd(fields);
        Align(8);
    }

    private void WriteStringField(int code, string? value)
    {
        if (value is not null)
        {
            WriteHeaderField(code, "s");
            WriteStringCore(value);
        }
    }

    private void WriteHeaderField(int code, string signature)
    {
        WriteStructStart();
        WriteByte((byte)code);
        WriteSignatureCore(signature);
    }

    private void PatchUInt32(int offset, uint value)
    {
        Span<byte> target = _buffer.AsSpan(offset, 4);
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(target, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(target, value);
        }
    }

    private void Align(int alignment)
    {
        EnsureCapacity(0);
        int padding = -_length & (alignment - 1);
        _buffer.AsSpan(_length, padding).Clear();
        _length += padding;
    }

    /// <summary>Room for <paramref name="count"/> more bytes plus up to 7 bytes of alignment padding.</summary>
    private void EnsureCapacity(int count)
    {
        long needed = (long)_length + count + 8;
        if (needed <= _buffer.Length)
        {
            return;
        }

        if (needed > ProtocolLimits.MaxMessageLength + 8L)
        {
            throw new ArgumentException($"The message would exceed the D-Bus limit of {ProtocolLimits.MaxMessageLength} bytes.");
        }

        int size = (int)Math.Min(Math.Max(needed, _buffer.Length * 2L), ProtocolLimits.MaxMessageLength + 8L);
        byte[] larger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ReturnBuffer();
        _buffer = larger;
    }

    private void ReturnBuffer()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = [];
    }
}
