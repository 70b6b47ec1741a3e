using System.Buffers.Binary;

namespace Vks.Systemd.DBus;

/// <summary>A message received from the bus, fully validated: header fields, names, padding and the body against
/// its signature. It owns its bytes, so it stays valid after the handler that received it returns.</summary>
public sealed class Message
{
    internal const int FixedHeaderLength = 16;

    private const int HeaderFieldPath = 1;
    private const int HeaderFieldInterface = 2;
    private const int HeaderFieldMember = 3;
    private const int HeaderFieldErrorName = 4;
    private const int HeaderFieldReplySerial = 5;
    private const int HeaderFieldDestination = 6;
    private const int HeaderFieldSender = 7;
    private const int HeaderFieldSignature = 8;
    private const int HeaderFieldUnixFds = 9;

    private readonly byte[] _data;
    private readonly int _bodyOffset;

    private Message(byte[] data, int bodyOffset)
    {
        _data = data;
        _bodyOffset = bodyOffset;
    }

    /// <summary>The message kind. Kinds this version of the specification does not define are passed through
    /// as their number and ignored by the connection.</summary>
    public MessageType Type { get; private init; }

    public MessageFlags Flags { get; private init; }

    public uint Serial { get; private init; }

    /// <summary>The serial of the call this message answers; 0 when it answers none.</summary>
    public uint ReplySerial { get; private set; }

    public ObjectPath? Path { get; private set; }

    public string? Interface { get; private set; }

    public string? Member { get; private set; }

    public string? ErrorName { get; private set; }

    public string? Destination { get; private set; }

    /// <summary>The unique name of the sender, set by the bus (or "org.freedesktop.DBus" for the bus itself).</summary>
    public string? Sender { get; private set; }

    /// <summary>The body's signature; empty when there is no body.</summary>
    public string Signature { get; private set; } = string.Empty;

    public int UnixFdCount { get; private set; }

    public bool IsBigEndian { get; private init; }

    public int BodyLength => _data.Length - _bodyOffset;

    /// <summary>A reader positioned at the first value of the body.</summary>
    public Reader GetBodyReader() => new(_data, _bodyOffset, IsBigEndian, Signature, UnixFdCount);

    public override string ToString() =>
        $"{Type} serial={Serial} reply_serial={ReplySerial} sender={Sender} dest={Destination} path={Path} iface={Interface} member={Member} error={ErrorName} sig='{Signature}'";

    /// <summary>Reads the lengths in the 16-byte fixed header and returns the whole message's length, checked
    /// against the specification's limits before a single byte of it is buffered.</summary>
    internal static int GetMessageLength(ReadOnlySpan<byte> fixedHeader)
    {
        bool bigEndian = fixedHeader[0] switch
        {
            (byte)'l' => false,
            (byte)'B' => true,
            _ => throw new DBusProtocolException($"Unknown byte order marker 0x{fixedHeader[0]:x2}."),
        };

        if (fixedHeader[3] != 1)
        {
            throw new DBusProtocolException($"Unsupported protocol version {fixedHeader[3]}.");
        }

        uint bodyLength = ReadUInt32(fixedHeader[4..], bigEndian);
        uint fieldsLength = ReadUInt32(fixedHeader[12..], bigEndian);
        if (fieldsLength > ProtocolLimits.MaxArrayLength)
        {
            throw new DBusProtocolException($"The header fields array is {fieldsLength} bytes; the limit is {ProtocolLimits.MaxArrayLength}.");
        }

        long total = AlignTo8(FixedHeaderLength + (long)fieldsLength) + bodyLength;
        if (total > ProtocolLimits.MaxMessageLength)
        {
            throw new DBusProtocolException($"A message of {total} bytes exceeds the limit of {ProtocolLimits.MaxMessageLength}.");
        }

        return (int)total;
    }

    /// <summary>Parses and validates one whole message, whose length <see cref="GetMessageLength"/> gave.</summary>
    internal static Message Parse(byte[] data)
    {
        if (data.Length < FixedHeaderLength)
        {
            throw new DBusProtocolException($"A message of {data.Length} bytes is shorter than the fixed header.");
        }

        int length = GetMessageLength(data);
        if (length != data.Length)
        {
            throw new DBusProtocolException($"The message is {data.Length} bytes but its header says {length}.");
        }

        bool bigEndian = data[0] == (byte)'B';
        var type = (MessageType)data[1];
        if (type == 0)
        {
            throw new DBusProtocolException("Message type 0 is invalid.");
        }

        uint serial = ReadUInt32(data.AsSpan(8), bigEndian);
        if (serial == 0)
        {
            throw new DBusProtocolException("A message has serial 0.");
        }

        int fieldsEnd = FixedHeaderLength + (int)ReadUInt32(data.AsSpan(12), bigEndian);
        int bodyOffset = (int)AlignTo8(fieldsEnd);
        var message = new Message(data, bodyOffset)
        {
            Type = type,
            Flags = (MessageFlags)data[2],
            Serial = serial,
            IsBigEndian = bigEndian,
        };

        message.ReadHeaderFields(data.AsSpan(0, fieldsEnd), bigEndian);
        if (data.AsSpan(fieldsEnd, bodyOffset - fieldsEnd).ContainsAnyExcept((byte)0))
        {
            throw new DBusProtocolException("The padding after the header is not zero.");
        }

        message.CheckRequiredFields();
        new Reader(data, bodyOffset, bigEndian, message.Signature, message.UnixFdCount).ValidateBody();
        return message;
    }

    private void ReadHeaderFields(ReadOnlySpan<byte> header, bool bigEndian)
    {
        var reader = new Reader(header, 12, bigEndian, "a(yv)", 0);
        ArrayEnd end = reader.ReadArrayStart(DBusType.Struct);
        int seen = 0;
        while (reader.HasNext(end))
        {
            reader.AlignStruct();
            byte code = reader.ReadByte();
            if (code is 0 or > HeaderFieldUnixFds)
            {
                // Unknown fields must be ignored, but their value is still checked.
                reader.SkipVariant();
                continue;
            }

            if ((seen & (1 << code)) != 0)
            {
                throw new DBusProtocolException($"Header field {code} appears twice.");
            }

            seen |= 1 << code;
            ReadHeaderField(code, reader.ReadVariant());
        }
    }

    private void ReadHeaderField(byte code, Variant value)
    {
        switch (code)
        {
            case HeaderFieldPath:
                Path = Expect(value, "o").GetObjectPath();
                break;
            case HeaderFieldInterface:
                Interface = ExpectName(value, static name => DBusNames.IsValidInterface(name), "interface");
                break;
            case HeaderFieldMember:
                Member = ExpectName(value, static name => DBusNames.IsValidMember(name), "member");
                break;
            case HeaderFieldErrorName:
                ErrorName = ExpectName(value, static name => DBusNames.IsValidErrorName(name), "error");
                break;
            case HeaderFieldReplySerial:
                ReplySerial = Expect(value, "u").GetUInt32();
                if (ReplySerial == 0)
                {
                    throw new DBusProtocolException("REPLY_SERIAL is 0.");
                }

                break;
            case HeaderFieldDestination:
                Destination = ExpectName(value, static name => DBusNames.IsValidBusName(name), "bus");
                break;
            case HeaderFieldSender:
                Sender = ExpectName(value, static name => DBusNames.IsValidBusName(name), "bus");
                break;
            case HeaderFieldSignature:
                Signature = Expect(value, "g").GetSignature();
                break;
            case HeaderFieldUnixFds:
                uint count = Expect(value, "u").GetUInt32();
                UnixFdCount = count <= int.MaxValue ? (int)count : throw new DBusProtocolException($"UNIX_FDS {count} is out of range.");
                break;
        }
    }

    private void CheckRequiredFields()
    {
        bool valid = Type switch
        {
            MessageType.MethodCall => Path is not null && Member is not null,
            MessageType.Signal => Path is not null && Interface is not null && Member is not null,
            MessageType.Error => ErrorName is not null && ReplySerial != 0,
            MessageType.MethodReturn => ReplySerial != 0,
            _ => true,
        };

        if (!valid)
        {
            throw new DBusProtocolException($"A {Type} message lacks a required header field.");
        }
    }

    private static Variant Expect(Variant value, string signature) =>
        value.Signature == signature
            ? value
            : throw new DBusProtocolException($"A header field holds '{value.Signature}' where '{signature}' belongs.");

    private static string ExpectName(Variant value, Func<string, bool> isValid, string kind)
    {
        string name = Expect(value, "s").GetString();
        return isValid(name) ? name : throw new DBusProtocolException($"'{name}' is not a valid {kind} name.");
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> bytes, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);

    private static long AlignTo8(long offset) => (offset + 7) & ~7L;
}
