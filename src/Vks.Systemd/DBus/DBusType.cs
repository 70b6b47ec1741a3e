namespace Vks.Systemd.DBus;

/// <summary>The D-Bus type codes, valued as the signature character that names each type.</summary>
public enum DBusType : byte
{
    Invalid = 0,
    Byte = (byte)'y',
    Bool = (byte)'b',
    Int16 = (byte)'n',
    UInt16 = (byte)'q',
    Int32 = (byte)'i',
    UInt32 = (byte)'u',
    Int64 = (byte)'x',
    UInt64 = (byte)'t',
    Double = (byte)'d',
    UnixFd = (byte)'h',
    String = (byte)'s',
    ObjectPath = (byte)'o',
    Signature = (byte)'g',
    Array = (byte)'a',
    Struct = (byte)'(',
    DictEntry = (byte)'{',
    Variant = (byte)'v',
}
