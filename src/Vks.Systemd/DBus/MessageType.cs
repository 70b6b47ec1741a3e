namespace Vks.Systemd.DBus;

/// <summary>The kind of a D-Bus message (second byte of the fixed header).</summary>
public enum MessageType : byte
{
    MethodCall = 1,
    MethodReturn = 2,
    Error = 3,
    Signal = 4,
}

/// <summary>Flags of the fixed header; unknown bits are ignored, as the specification asks.</summary>
[Flags]
public enum MessageFlags : byte
{
    None = 0,
    NoReplyExpected = 0x1,
    NoAutoStart = 0x2,
    AllowInteractiveAuthorization = 0x4,
}
