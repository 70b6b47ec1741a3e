using Vks.Systemd.DBus;

namespace Vks.Systemd.Tests.DBus;

/// <summary>Serialises messages with the real writer and parses them with the real parser, for byte-level tests.</summary>
internal static class Wire
{
    public static byte[] Serialize(OutgoingHeader header, BodyWriter? body, bool bigEndian = false)
    {
        OutgoingMessage message = MessageWriter.Build(header, body, bigEndian);
        byte[] bytes = message.Buffer.AsSpan(0, message.Length).ToArray();
        message.ReturnBuffer();
        return bytes;
    }

    /// <summary>A signal carrying <paramref name="body"/>, as bytes.</summary>
    public static byte[] Signal(string signature, BodyWriter? body, bool bigEndian = false) =>
        Serialize(
            new OutgoingHeader(MessageType.Signal, 7)
            {
                Path = "/com/example/Object",
                Interface = "com.example.Interface",
                Member = "Changed",
                Signature = signature,
            },
            body,
            bigEndian);

    /// <summary>Writes a signal carrying <paramref name="body"/> and parses it back.</summary>
    public static Message RoundTrip(string signature, BodyWriter? body, bool bigEndian) => Message.Parse(Signal(signature, body, bigEndian));

    public static byte[] FromHex(string hex) => Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c))));
}
