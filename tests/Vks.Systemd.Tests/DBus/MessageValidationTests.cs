using System.Buffers.Binary;
using Vks.Systemd.DBus;

namespace Vks.Systemd.Tests.DBus;

/// <summary>Malformed messages are refused with <see cref="DBusProtocolException"/>: each test breaks one rule of
/// the specification in an otherwise valid message.</summary>
public sealed class MessageValidationTests
{
    [Fact]
    public void A_valid_message_parses()
    {
        Message message = Message.Parse(Wire.Signal("bs", (ref MessageWriter w) =>
        {
            w.WriteBool(true);
            w.WriteString("abc");
        }));
        Assert.Equal("bs", message.Signature);
    }

    [Theory]
    [InlineData("b", 0, 2, "boolean")]
    [InlineData("yu", 1, 0xFF, "padding")]
    [InlineData("s", 4, 0xFF, "UTF-8")]
    [InlineData("s", 5, 0x00, "NUL")]
    [InlineData("s", 7, (byte)'x', "NUL-terminated")]
    [InlineData("o", 5, (byte)'-', "object path")]
    [InlineData("g", 1, (byte)'(', "signature")]
    public void A_broken_value_is_refused(string signature, int bodyOffset, byte value, string reason)
    {
        byte[] bytes = Wire.Signal(signature, (ref MessageWriter w) =>
        {
            foreach (char code in signature)
            {
                switch (code)
                {
                    case 'b': w.WriteBool(true); break;
                    case 'y': w.WriteByte(1); break;
                    case 'u': w.WriteUInt32(2); break;
                    case 's': w.WriteString("abc"); break;
                    case 'o': w.WriteObjectPath(new ObjectPath("/ab")); break;
                    case 'g': w.WriteSignature(new Signature("ii")); break;
                }
            }
        });
        Message.Parse(bytes); // valid before the change
        int bodyStart = bytes.Length - Message.Parse(bytes).BodyLength;
        bytes[bodyStart + bodyOffset] = value;

        DBusProtocolException error = Assert.Throws<DBusProtocolException>(() => Message.Parse(bytes));
        Assert.Contains(reason, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("v", "02 75 75 00 00000000 05000000", "single complete type")]
    [InlineData("ay", "01000004", "limit")]
    [InlineData("ay", "0a000000 0102", "ends inside")]
    [InlineData("aq", "03000000 0100 0200", "whole number")]
    [InlineData("as", "05000000 03000000 616263 00", "past the array")]
    [InlineData("u", "01000000 00000000", "past its signature")]
    [InlineData("", "00", "past its signature")]
    public void A_broken_body_is_refused(string signature, string bodyHex, string reason)
    {
        byte[] body = Wire.FromHex(bodyHex);
        DBusProtocolException error = Assert.Throws<DBusProtocolException>(() => new Reader(body, 0, false, signature, 0).ValidateBody());
        Assert.Contains(reason, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Variants_nest_64_deep_but_not_65()
    {
        Assert.Null(Record.Exception(() => new Reader(NestedVariants(64), 0, false, "v", 0).ValidateBody()));
        DBusProtocolException error = Assert.Throws<DBusProtocolException>(() => new Reader(NestedVariants(65), 0, false, "v", 0).ValidateBody());
        Assert.Contains("nested", error.Message, StringComparison.Ordinal);

        Variant deep = new((byte)7);
        for (int i = 1; i < 65; i++)
        {
            deep = Variant.FromVariant(deep);
        }

        Assert.Throws<ArgumentException>(() => Wire.Signal("v", (ref MessageWriter w) => w.WriteVariant(deep)));
    }

    [Fact]
    public void Lengths_in_the_fixed_header_are_checked_before_anything_is_buffered()
    {
        byte[] header = FixedHeader(bodyLength: (128 * 1024 * 1024) - 16, fieldsLength: 0);
        Assert.Equal(128 * 1024 * 1024, Message.GetMessageLength(header));

        Assert.Throws<DBusProtocolException>(() => Message.GetMessageLength(FixedHeader(bodyLength: (128 * 1024 * 1024) - 15, fieldsLength: 0)));
        Assert.Throws<DBusProtocolException>(() => Message.GetMessageLength(FixedHeader(bodyLength: uint.MaxValue, fieldsLength: 0)));
        Assert.Throws<DBusProtocolException>(() => Message.GetMessageLength(FixedHeader(bodyLength: 0, fieldsLength: (64 * 1024 * 1024) + 1)));
    }

    [Theory]
    [InlineData(0, (byte)'x', "byte order")]
    [InlineData(1, 0, "type 0")]
    [InlineData(3, 2, "version")]
    public void A_broken_fixed_header_is_refused(int offset, byte value, string reason)
    {
        byte[] bytes = Wire.Signal(string.Empty, null);
        bytes[offset] = value;
        DBusProtocolException error = Assert.Throws<DBusProtocolException>(() => Message.Parse(bytes));
        Assert.Contains(reason, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Serial_zero_is_refused()
    {
        byte[] bytes = Wire.Signal(string.Empty, null);
        bytes.AsSpan(8, 4).Clear();
        Assert.Throws<DBusProtocolException>(() => Message.Parse(bytes));
    }

    [Fact]
    public void Header_field_rules_are_enforced()
    {
        BodyWriter path = (ref MessageWriter w) => Field(ref w, 1, new Variant(new ObjectPath("/a")));
        BodyWriter iface = (ref MessageWriter w) => Field(ref w, 2, new Variant("a.b"));
        BodyWriter member = (ref MessageWriter w) => Field(ref w, 3, new Variant("M"));

        Assert.Equal("M", Message.Parse(RawMessage(MessageType.Signal, path, iface, member)).Member);

        // Unknown fields and unknown message types are ignored, as the specification asks.
        Assert.Equal("M", Message.Parse(RawMessage(MessageType.Signal, path, iface, member, (ref MessageWriter w) => Field(ref w, 200, Variant.FromArray(new Signature("s"), "x")))).Member);
        Assert.Equal((MessageType)9, Message.Parse(RawMessage((MessageType)9)).Type);

        Assert.Contains("twice", Refused(RawMessage(MessageType.Signal, path, path, iface, member)), StringComparison.Ordinal);
        Assert.Contains("required", Refused(RawMessage(MessageType.Signal, path, member)), StringComparison.Ordinal);
        Assert.Contains("required", Refused(RawMessage(MessageType.MethodReturn)), StringComparison.Ordinal);
        Assert.Contains("belongs", Refused(RawMessage(MessageType.Signal, (ref MessageWriter w) => Field(ref w, 1, new Variant("/a")), iface, member)), StringComparison.Ordinal);
        Assert.Contains("member name", Refused(RawMessage(MessageType.Signal, path, iface, (ref MessageWriter w) => Field(ref w, 3, new Variant("1bad")))), StringComparison.Ordinal);
        Assert.Contains("interface name", Refused(RawMessage(MessageType.Signal, path, (ref MessageWriter w) => Field(ref w, 2, new Variant("nodots")), member)), StringComparison.Ordinal);
        Assert.Contains("REPLY_SERIAL", Refused(RawMessage(MessageType.MethodReturn, (ref MessageWriter w) => Field(ref w, 5, new Variant(0u)))), StringComparison.Ordinal);
    }

    [Fact]
    public void A_body_without_a_signature_is_refused()
    {
        byte[] bytes = Wire.Signal("u", (ref MessageWriter w) => w.WriteUInt32(5));

        // Declare the body empty-signatured by turning the SIGNATURE field's code into an unknown one.
        Message parsed = Message.Parse(bytes);
        int signatureField = bytes.AsSpan().IndexOf(new byte[] { 8, 1, (byte)'g', 0, 1, (byte)'u', 0 });
        Assert.True(signatureField > 0);
        bytes[signatureField] = 77;
        Assert.Equal(4, parsed.BodyLength);
        Assert.Contains("past its signature", Refused(bytes), StringComparison.Ordinal);
    }

    private static string Refused(byte[] bytes) => Assert.Throws<DBusProtocolException>(() => Message.Parse(bytes)).Message;

    private static void Field(ref MessageWriter w, byte code, Variant value)
    {
        w.WriteStructStart();
        w.WriteByte(code);
        w.WriteVariant(value);
    }

    /// <summary>A body-less message with exactly the header fields given, bypassing the writer's checks.</summary>
    private static byte[] RawMessage(MessageType type, params BodyWriter[] fields)
    {
        var w = new MessageWriter(bigEndian: false);
        w.WriteByte((byte)'l');
        w.WriteByte((byte)type);
        w.WriteByte(0);
        w.WriteByte(1);
        w.WriteUInt32(0);
        w.WriteUInt32(1);
        ArrayStart start = w.WriteArrayStart(DBusType.Struct);
        foreach (BodyWriter field in fields)
        {
            field(ref w);
        }

        w.WriteArrayEnd(start);
        w.WriteStructStart(); // pads the header to 8
        return w.WrittenSpan.ToArray();
    }

    private static byte[] FixedHeader(uint bodyLength, uint fieldsLength)
    {
        byte[] header = [(byte)'l', 4, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), bodyLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), fieldsLength);
        return header;
    }

    /// <summary>A body "v" holding <paramref name="depth"/> variants in all: depth-1 of signature "v", then a byte.</summary>
    private static byte[] NestedVariants(int depth)
    {
        var body = new List<byte>();
        for (int i = 1; i < depth; i++)
        {
            body.AddRange([1, (byte)'v', 0]);
        }

        body.AddRange([1, (byte)'y', 0, 7]);
        return [.. body];
    }
}
