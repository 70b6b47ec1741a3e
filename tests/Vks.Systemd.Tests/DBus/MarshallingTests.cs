using Vks.Systemd.DBus;

namespace Vks.Systemd.Tests.DBus;

/// <summary>Every type written by <see cref="MessageWriter"/> and read back by <see cref="Reader"/>, in both byte
/// orders (the writer can emit big-endian precisely so the reader's big-endian path is tested).</summary>
public sealed class MarshallingTests
{
    public static TheoryData<bool> ByteOrders => new() { false, true };

    [Theory]
    [MemberData(nameof(ByteOrders))]
    public void Basic_types_round_trip(bool bigEndian)
    {
        Message message = Wire.RoundTrip(
            "ybnqiuxtdsog",
            (ref MessageWriter w) =>
            {
                w.WriteByte(0xAB);
                w.WriteBool(true);
                w.WriteInt16(short.MinValue);
                w.WriteUInt16(ushort.MaxValue);
                w.WriteInt32(-123456789);
                w.WriteUInt32(0xDEADBEEF);
                w.WriteInt64(long.MinValue);
                w.WriteUInt64(ulong.MaxValue);
                w.WriteDouble(-Math.PI);
                w.WriteString("ünïcødé ✓ 🚀");
                w.WriteObjectPath(new ObjectPath("/org/freedesktop/systemd1/unit/nginx_2eservice"));
                w.WriteSignature(new Signature("a{sv}"));
            },
            bigEndian);

        Assert.Equal(bigEndian, message.IsBigEndian);
        Reader r = message.GetBodyReader();
        Assert.Equal(0xAB, r.ReadByte());
        Assert.True(r.ReadBool());
        Assert.Equal(short.MinValue, r.ReadInt16());
        Assert.Equal(ushort.MaxValue, r.ReadUInt16());
        Assert.Equal(-123456789, r.ReadInt32());
        Assert.Equal(0xDEADBEEF, r.ReadUInt32());
        Assert.Equal(long.MinValue, r.ReadInt64());
        Assert.Equal(ulong.MaxValue, r.ReadUInt64());
        Assert.Equal(-Math.PI, r.ReadDouble());
        Assert.Equal("ünïcødé ✓ 🚀", r.ReadString());
        Assert.Equal("/org/freedesktop/systemd1/unit/nginx_2eservice", r.ReadObjectPath().ToString());
        Assert.Equal("a{sv}", r.ReadSignature().ToString());
        Assert.True(r.IsAtEnd);
    }

    [Theory]
    [MemberData(nameof(ByteOrders))]
    public void Edge_values_round_trip(bool bigEndian)
    {
        Message message = Wire.RoundTrip(
            "bsdd",
            (ref MessageWriter w) =>
            {
                w.WriteBool(false);
                w.WriteString(string.Empty);
                w.WriteDouble(double.NaN);
                w.WriteDouble(-0.0);
            },
            bigEndian);

        Reader r = message.GetBodyReader();
        Assert.False(r.ReadBool());
        Assert.Equal(string.Empty, r.ReadString());
        Assert.True(double.IsNaN(r.ReadDouble()));
        Assert.True(double.IsNegative(r.ReadDouble()));
    }

    [Theory]
    [MemberData(nameof(ByteOrders))]
    public void Unix_fd_index_round_trips_when_the_message_carries_that_many_descriptors(bool bigEndian)
    {
        // No message we send can carry descriptors, so this reads the writer's bytes directly, declaring 4 of them.
        var writer = new MessageWriter(bigEndian);
        writer.WriteUnixFdIndex(3);
        byte[] body = writer.WrittenSpan.ToArray();
        var reader = new Reader(body, 0, bigEndian, "h", unixFdCount: 4);
        Assert.Equal(3u, reader.ReadUnixFdIndex());

        Assert.Throws<DBusProtocolException>(() => new Reader(body, 0, bigEndian, "h", unixFdCount: 3).ReadUnixFdIndex());
    }

    [Fact]
    public void A_message_with_a_unix_fd_is_refused_because_descriptors_are_not_passed()
    {
        Assert.Throws<ArgumentException>(() => Wire.Signal("h", (ref MessageWriter w) => w.WriteUnixFdIndex(0)));
    }

    [Theory]
    [MemberData(nameof(ByteOrders))]
    public void Arrays_round_trip(bool bigEndian)
    {
        Message message = Wire.RoundTrip(
            "asaoayauaai",
            (ref MessageWriter w) =>
            {
                w.WriteArray(["a", string.Empty, "c"]);
                w.WriteArray([new ObjectPath("/"), new ObjectPath("/a/b")]);
                w.WriteArray([1, 2, 3, 255]);
                ArrayStart empty = w.WriteArrayStart(DBusType.UInt32);
                w.WriteArrayEnd(empty);
                ArrayStart outer = w.WriteArrayStart(DBusType.Array);
                for (int i = 0; i < 3; i++)
                {
                    ArrayStart inner = w.WriteArrayStart(DBusType.Int32);
                    for (int j = 0; j < i; j++)
                    {
                        w.WriteInt32(j - 1);
                    }

                    w.WriteArrayEnd(inner);
                }

                w.WriteArrayEnd(outer);
            },
            bigEndian);

        Reader r = message.GetBodyReader();
        Assert.Equal(["a", string.Empty, "c"], r.ReadArrayOfString());
        Assert.Equal(["/", "/a/b"], r.ReadArrayOfObjectPath().Select(p => p.ToString()));
        Assert.Equal([1, 2, 3, 255], r.ReadArrayOfByte());
        ArrayEnd none = r.ReadArrayStart(DBusType.UInt32);
        Assert.False(r.HasNext(none));
        var nested = new List<int[]>();
        ArrayEnd outerEnd = r.ReadArrayStart(DBusType.Array);
        while (r.HasNext(outerEnd))
        {
            var items = new List<int>();
            ArrayEnd innerEnd = r.ReadArrayStart(DBusType.Int32);
            while (r.HasNext(innerEnd))
            {
                items.Add(r.ReadInt32());
            }

            nested.Add([.. items]);
        }

        Assert.Equal([[], [-1], [-1, 0]], nested);
        Assert.True(r.IsAtEnd);
    }

    [Theory]
    [MemberData(nameof(ByteOrders))]
    public void Arrays_of_structs_and_dictionaries_round_trip(bool bigEndian)
    {
        // a(so) as in systemd's ListUnits family, a{sv} as in GetAll, a{ua(ss)} for nesting.
        Message message = Wire.RoundTrip(
            "a(so)a{sv}a{ua(ss)}",
            (ref MessageWriter w) =>
            {
                ArrayStart units = w.WriteArrayStart(DBusType.Struct);
                foreach (string name in new[] { "a.service", "b.service" })
                {
                    w.WriteStructStart();
                    w.WriteString(name);
                    w.WriteObjectPath(new ObjectPath("/unit/" + name[0]));
                }

                w.WriteArrayEnd(units);
                w.WriteDictionary([new("ActiveState", "active"), new("MainPID", 42u), new("Wants", Variant.FromArray(new Signature("s"), "x.target"))]);
                ArrayStart dict = w.WriteDictionaryStart();
                w.WriteDictionaryEntryStart();
                w.WriteUInt32(7);
                ArrayStart pairs = w.WriteArrayStart(DBusType.Struct);
                w.WriteStructStart();
                w.WriteString("k");
                w.WriteString("v");
                w.WriteArrayEnd(pairs);
                w.WriteDictionaryEnd(dict);
            },
            bigEndian);

        Reader r = message.GetBodyReader();
        var units = new List<(string, string)>();
        ArrayEnd unitsEnd = r.ReadArrayStart(DBusType.Struct);
        while (r.HasNext(unitsEnd))
        {
            r.AlignStruct();
            units.Add((r.ReadString(), r.ReadObjectPath()));
        }

        Assert.Equal([("a.service", "/unit/a"), ("b.service", "/unit/b")], units);
        Dictionary<string, Variant> properties = r.ReadDictionaryOfStringToVariant();
        Assert.Equal("active", properties["ActiveState"].GetString());
        Assert.Equal(42u, properties["MainPID"].GetUInt32());
        Assert.Equal(["x.target"], properties["Wants"].GetItems().Select(v => v.GetString()));

        ArrayEnd dictEnd = r.ReadDictionaryStart();
        Assert.True(r.HasNext(dictEnd));
        r.AlignDictEntry();
        Assert.Equal(7u, r.ReadUInt32());
        ArrayEnd pairsEnd = r.ReadArrayStart(DBusType.Struct);
        Assert.True(r.HasNext(pairsEnd));
        r.AlignStruct();
        Assert.Equal("k", r.ReadString());
        Assert.Equal("v", r.ReadString());
        Assert.False(r.HasNext(pairsEnd));
        Assert.False(r.HasNext(dictEnd));
        Assert.True(r.IsAtEnd);
    }

    [Fact]
    public void An_empty_array_still_pads_to_its_element_alignment()
    {
        // "yax": the byte, padding to 4, the length 0, then padding to 8 for the absent int64s; the length
        // counts none of the padding. Body offset 0 is 8-aligned, so the body is exactly these 8 bytes.
        Message message = Wire.RoundTrip(
            "yax",
            (ref MessageWriter w) =>
            {
                w.WriteByte(9);
                ArrayStart start = w.WriteArrayStart(DBusType.Int64);
                w.WriteArrayEnd(start);
            },
            bigEndian: false);

        Assert.Equal(8, message.BodyLength);
        byte[] bytes = Wire.Signal("yax", (ref MessageWriter w) =>
        {
            w.WriteByte(9);
            ArrayStart start = w.WriteArrayStart(DBusType.Int64);
            w.WriteArrayEnd(start);
        });
        Assert.Equal(new byte[] { 9, 0, 0, 0, 0, 0, 0, 0 }, bytes[^8..]);

        // "ua(y)": the uint32, then the length at 4..8, already 8-aligned for the structs: no padding.
        Message structs = Wire.RoundTrip(
            "ua(y)",
            (ref MessageWriter w) =>
            {
                w.WriteUInt32(1);
                ArrayStart start = w.WriteArrayStart(DBusType.Struct);
                w.WriteArrayEnd(start);
            },
            bigEndian: false);
        Assert.Equal(8, structs.BodyLength);

        // "yyyyya(y)": five bytes, padding to 8, the length at 8..12, then 4 bytes of padding to 16 although
        // the array is empty.
        Message padded = Wire.RoundTrip(
            "yyyyya(y)",
            (ref MessageWriter w) =>
            {
                for (int i = 0; i < 5; i++)
                {
                    w.WriteByte(1);
                }

                ArrayStart start = w.WriteArrayStart(DBusType.Struct);
                w.WriteArrayEnd(start);
            },
            bigEndian: false);
        Assert.Equal(16, padded.BodyLength);
        Reader r = padded.GetBodyReader();
        for (int i = 0; i < 5; i++)
        {
            r.ReadByte();
        }

        Assert.False(r.HasNext(r.ReadArrayStart(DBusType.Struct)));
        Assert.True(r.IsAtEnd);
    }

    [Theory]
    [MemberData(nameof(ByteOrders))]
    public void Variants_of_every_type_round_trip(bool bigEndian)
    {
        Variant[] values =
        [
            new Variant((byte)7),
            new Variant(true),
            new Variant((short)-2),
            new Variant((ushort)65535),
            new Variant(-3),
            new Variant(4u),
            new Variant(-5L),
            new Variant(6UL),
            new Variant(2.5),
            new Variant("text"),
            new Variant(new ObjectPath("/a/b")),
            new Variant(new Signature("a(ii)")),
            Variant.FromBytes([1, 2, 3]),
            Variant.FromArray(new Signature("s"), "a", "b"),
            Variant.FromArray(new Signature("(is)")),
            Variant.FromStruct(1, "one", Variant.FromArray(new Signature("y"), (byte)1)),
            Variant.FromDictionary(new Signature("s"), new Signature("v"), [new(new Variant("nested"), Variant.FromVariant(new Variant(9u)))]),
            Variant.FromVariant(Variant.FromVariant(new Variant("deep"))),
        ];

        Message message = Wire.RoundTrip(
            string.Concat(Enumerable.Repeat("v", values.Length)),
            (ref MessageWriter w) =>
            {
                foreach (Variant value in values)
                {
                    w.WriteVariant(value);
                }
            },
            bigEndian);

        Reader r = message.GetBodyReader();
        foreach (Variant expected in values)
        {
            Assert.Equal(expected, r.ReadVariant());
        }

        Assert.True(r.IsAtEnd);
    }

    [Fact]
    public void Random_values_round_trip_in_both_byte_orders()
    {
        var random = new Random(20240601);
        for (int i = 0; i < 2000; i++)
        {
            Variant value = RandomVariants.Next(random);
            foreach (bool bigEndian in new[] { false, true })
            {
                Message message = Wire.RoundTrip("v", (ref MessageWriter w) => w.WriteVariant(value), bigEndian);
                Reader r = message.GetBodyReader();
                Assert.Equal(value, r.ReadVariant());
            }
        }
    }

    [Fact]
    public void Reading_a_type_the_body_does_not_have_is_a_protocol_error()
    {
        Message message = Wire.RoundTrip("us", (ref MessageWriter w) =>
        {
            w.WriteUInt32(1);
            w.WriteString("x");
        }, bigEndian: false);

        DBusProtocolException wrongType = Assert.Throws<DBusProtocolException>(() => message.GetBodyReader().ReadString());
        Assert.Contains("'u'", wrongType.Message, StringComparison.Ordinal);

        Assert.Throws<DBusProtocolException>(() =>
        {
            Reader past = message.GetBodyReader();
            past.ReadUInt32();
            past.ReadString();
            past.ReadUInt32();
        });
    }

    [Fact]
    public void Writer_refuses_strings_the_wire_cannot_carry()
    {
        Assert.Throws<ArgumentException>(() => Wire.Signal("s", (ref MessageWriter w) => w.WriteString("nul\0inside")));
        Assert.Throws<ArgumentException>(() => Wire.Signal("s", (ref MessageWriter w) => w.WriteString("lone \ud800 surrogate")));
    }

    [Fact]
    public void Writer_refuses_a_body_that_does_not_match_the_signature()
    {
        ArgumentException mismatch = Assert.Throws<ArgumentException>(() => Wire.Signal("u", (ref MessageWriter w) => w.WriteString("not a uint")));
        Assert.Contains("signature 'u'", mismatch.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Wire.Signal("uu", (ref MessageWriter w) => w.WriteUInt32(1)));
    }

    [Fact]
    public void Writer_refuses_invalid_header_names()
    {
        Assert.Throws<ArgumentException>(() => Wire.Serialize(new OutgoingHeader(MessageType.Signal, 1) { Path = "/a", Interface = "nodots", Member = "M" }, null));
        Assert.Throws<ArgumentException>(() => Wire.Serialize(new OutgoingHeader(MessageType.Signal, 1) { Path = "/a", Interface = "a.b", Member = "has.dot" }, null));
        Assert.Throws<ArgumentException>(() => Wire.Serialize(new OutgoingHeader(MessageType.Signal, 1) { Path = "no/slash", Interface = "a.b", Member = "M" }, null));
        Assert.Throws<ArgumentException>(() => Wire.Serialize(new OutgoingHeader(MessageType.MethodCall, 1) { Path = "/a", Member = "M", Destination = "1bad.name" }, null));
    }

    [Fact]
    public void Writer_enforces_the_array_limit()
    {
        byte[] big = new byte[(64 * 1024 * 1024) + 1];
        Assert.Throws<ArgumentException>(() => Wire.Signal("ay", (ref MessageWriter w) => w.WriteArray(big)));
    }
}
