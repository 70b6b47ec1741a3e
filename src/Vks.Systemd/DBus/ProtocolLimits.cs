namespace Vks.Systemd.DBus;

/// <summary>The limits the D-Bus specification sets; every length read from the wire is checked against them
/// before anything is allocated.</summary>
internal static class ProtocolLimits
{
    public const int MaxMessageLength = 128 * 1024 * 1024;
    public const int MaxArrayLength = 64 * 1024 * 1024;
    public const int MaxSignatureLength = 255;
    public const int MaxNameLength = 255;
    public const int MaxArrayDepth = 32;

    /// <summary>Structs and dict entries together, per signature.</summary>
    public const int MaxStructDepth = 32;

    /// <summary>All containers around a value, across variants: a variant carries its own signature, so
    /// without this bound a few bytes per level would nest without end.</summary>
    public const int MaxTotalDepth = 64;
}
