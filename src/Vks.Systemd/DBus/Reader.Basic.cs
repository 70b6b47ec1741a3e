using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Vks.Systemd.DBus;

/// <summary>Reads of the basic types: numbers, booleans, strings, object paths and signatures.</summary>
public ref partial struct Reader
{
    // Variants hold mostly one-character signatures; sharing these strings saves an allocation per value.
    private static readonly string?[] SingleCharacterSignatures = CreateSingleCharacterSignatures();

    public byte ReadByte()
    {
        Expect('y');
        return ReadByteCore();
    }

    public bool ReadBool()
    {
        Expect('b');
        return ReadBoolCore();
    }

    public short ReadInt16()
    {
        Expect('n');
        return unchecked((short)ReadUInt16Core());
    }

    public ushort ReadUInt16()
    {
        Expect('q');
        return ReadUInt16Core();
    }

    public int ReadInt32()
    {
        Expect('i');
        return unchecked((int)ReadUInt32Core());
    }

    public uint ReadUInt32()
    {
        Expect('u');
        return ReadUInt32Core();
    }

    public long ReadInt64()
    {
        Expect('x');
        return unchecked((long)ReadUInt64Core());
    }

    public ulong ReadUInt64()
    {
        Expect('t');
        return ReadUInt64Core();
    }

    public double ReadDouble()
    {
        Expect('d');
        return BitConverter.UInt64BitsToDouble(ReadUInt64Core());
    }

    /// <summary>The index of a file descriptor ('h') among those sent with the message.</summary>
    public uint ReadUnixFdIndex()
    {
        Expect('h');
        return ReadUnixFdIndexCore();
    }

    public string ReadString()
    {
        Expect('s');
        return Encoding.UTF8.GetString(ReadStringCore());
    }

    public ObjectPath ReadObjectPath()
    {
        Expect('o');
        return ObjectPath.FromValidated(Encoding.UTF8.GetString(ReadObjectPathCore()));
    }

    public Signature ReadSignature()
    {
        Expect('g');
        return DBus.Signature.FromValidated(ReadSignatureCore());
    }

    private byte ReadByteCore() => Take(1)[0];

    private bool ReadBoolCore()
    {
        uint value = ReadUInt32Core();
        return value switch
        {
            0 => false,
            1 => true,
            _ => throw new DBusProtocolException($"A boolean holds {value}; only 0 and 1 are allowed."),
        };
    }

    private ushort ReadUInt16Core()
    {
        Align(2);
        ReadOnlySpan<byte> bytes = Take(2);
        return _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes);
    }

    private uint ReadUInt32Core()
    {
        Align(4);
        ReadOnlySpan<byte> bytes = Take(4);
        return _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    private ulong ReadUInt64Core()
    {
        Align(8);
        ReadOnlySpan<byte> bytes = Take(8);
        return _bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(bytes) : BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    private uint ReadUnixFdIndexCore()
    {
        uint index = ReadUInt32Core();
        if (index >= (uint)_unixFdCount)
        {
            throw new DBusProtocolException($"File descriptor index {index} is out of range: the message carries {_unixFdCount}.");
        }

        return index;
    }

    /// <summary>The UTF-8 bytes of a string, checked to be valid UTF-8 with no NUL inside and one NUL after.</summary>
    private ReadOnlySpan<byte> ReadStringCore()
    {
        uint length = ReadUInt32Core();
        if (length >= (uint)(_data.Length - _offset))
        {
            throw Truncated();
        }

        ReadOnlySpan<byte> bytes = Take((int)length);
        if (Take(1)[0] != 0)
        {
            throw new DBusProtocolException($"A string at offset {_offset - 1} is not NUL-terminated.");
        }

        if (bytes.Contains((byte)0))
        {
            throw new DBusProtocolException("A string contains a NUL byte.");
        }

        if (!Utf8.IsValid(bytes))
        {
            throw new DBusProtocolException("A string is not valid UTF-8.");
        }

        return bytes;
    }

    private ReadOnlySpan<byte> ReadObjectPathCore()
    {
        ReadOnlySpan<byte> bytes = ReadStringCore();
        if (!ObjectPath.IsValid(bytes))
        {
            throw new DBusProtocolException($"'{Encoding.UTF8.GetString(bytes)}' is not a valid object path.");
        }

        return bytes;
    }

    private string ReadSignatureCore()
    {
        int length = ReadByteCore();
        ReadOnlySpan<byte> bytes = Take(length);
        if (Take(1)[0] != 0)
        {
            throw new DBusProtocolException("A signature is not NUL-terminated.");
        }

        if (length == 1 && bytes[0] < SingleCharacterSignatures.Length && SingleCharacterSignatures[bytes[0]] is { } shared)
        {
            return shared;
        }

        if (!System.Text.Ascii.IsValid(bytes))
        {
            throw new DBusProtocolException("A signature holds non-ASCII bytes.");
        }

        string signature = Encoding.ASCII.GetString(bytes);
        if (!DBus.Signature.IsValid(signature))
        {
            throw new DBusProtocolException($"'{signature}' is not a valid signature.");
        }

        return signature;
    }

    private static string?[] CreateSingleCharacterSignatures()
    {
        var table = new string?[128];
        foreach (char code in "ybnqiuxtdhsogv")
        {
            table[code] = code.ToString();
        }

        return table;
    }
}
