using System.Buffers.Binary;
using Vks.Systemd.DBus;

namespace Vks.Systemd.Tests.DBus;

/// <summary>Random and mutated messages fed to the parser and readers. The only exception allowed is
/// <see cref="DBusProtocolException"/>; a case that does not finish is a hang. Seeded, so a failure reproduces;
/// bounded, so it runs in a few seconds in CI.</summary>
public sealed class ReaderFuzzTests
{
    private const int Seed = 0x5EED;
    private const int Iterations = 30_000;

    [Fact]
    public async Task Mutated_and_random_messages_fail_only_with_a_protocol_error()
    {
        var random = new Random(Seed);
        byte[][] corpus = Corpus.Build(random);
        int current = -1;
        int refused = 0;

        Task run = Task.Run(() =>
        {
            for (int i = 0; i < Iterations; i++)
            {
                Volatile.Write(ref current, i);
                byte[] input = Corpus.Mutate(random, corpus[random.Next(corpus.Length)]);
                try
                {
                    ParseAndReadEverything(input);
                }
                catch (DBusProtocolException)
                {
                    refused++;
                }
                catch (Exception ex)
                {
                    throw new InvalidOperationException($"Fuzz case {i} (seed {Seed}) threw {ex.GetType().Name} for input {Convert.ToHexString(input)}", ex);
                }
            }
        });

        Task finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(finished == run, $"Fuzz case {Volatile.Read(ref current)} (seed {Seed}) hung.");
        await run;

        // Both outcomes must be common, or the mutations are not exercising the parser.
        Assert.InRange(refused, Iterations / 10, Iterations - (Iterations / 20));
    }

    /// <summary>Frames, parses and then reads every value the way callers do (typed readers, variants, match
    /// rules, the PropertiesChanged decoder).</summary>
    private static void ParseAndReadEverything(byte[] input)
    {
        if (input.Length >= Message.FixedHeaderLength)
        {
            Message.GetMessageLength(input);
        }

        Message message = Message.Parse(input);
        if (message.Signature.Length > 0 && message.Signature.All(code => code == 'v'))
        {
            Reader reader = message.GetBodyReader();
            while (!reader.IsAtEnd)
            {
                _ = reader.ReadVariant().ToString();
            }
        }

        _ = PropertiesChanged.TryRead(message);
        _ = new MatchRule { Arg0 = "x", PathNamespace = "/a" }.Matches(message);
    }
}

/// <summary>Valid messages to start from, and the ways the fuzzers break them.</summary>
internal static class Corpus
{
    private static readonly uint[] InterestingWords = [0, 1, 2, 3, 4, 7, 8, 0x7F, 0xFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, (64 * 1024 * 1024) + 1, 128 * 1024 * 1024];

    public static byte[][] Build(Random random)
    {
        var corpus = new List<byte[]>();
        for (int i = 0; i < 60; i++)
        {
            Variant[] values = Enumerable.Range(0, random.Next(1, 4)).Select(_ => RandomVariants.Next(random)).ToArray();
            corpus.Add(Wire.Signal(new string('v', values.Length), (ref MessageWriter w) =>
            {
                foreach (Variant value in values)
                {
                    w.WriteVariant(value);
                }
            }, bigEndian: random.Next(2) == 0));
        }

        corpus.Add(Wire.Serialize(
            new OutgoingHeader(MessageType.Signal, 9)
            {
                Path = "/org/freedesktop/systemd1/unit/a",
                Interface = "org.freedesktop.DBus.Properties",
                Member = "PropertiesChanged",
                Signature = "sa{sv}as",
            },
            (ref MessageWriter w) =>
            {
                w.WriteString("org.freedesktop.systemd1.Unit");
                w.WriteDictionary([new("ActiveState", "active"), new("MainPID", 42u), new("Flags", Variant.FromArray(new Signature("(sb)"), Variant.FromStruct("x", true)))]);
                w.WriteArray(["Conditions"]);
            }));
        corpus.Add(Wire.Serialize(
            new OutgoingHeader(MessageType.Error, 3) { ReplySerial = 2, ErrorName = "org.freedesktop.systemd1.NoSuchUnit", Destination = ":1.9", Signature = "s" },
            (ref MessageWriter w) => w.WriteString("Unit x.service not loaded.")));
        corpus.Add(Wire.Serialize(
            new OutgoingHeader(MessageType.MethodReturn, 4) { ReplySerial = 1, Signature = "a(ssssssouso)" },
            (ref MessageWriter w) =>
            {
                ArrayStart units = w.WriteArrayStart(DBusType.Struct);
                w.WriteStructStart();
                foreach (string text in new[] { "a.service", "A", "loaded", "active", "running", "" })
                {
                    w.WriteString(text);
                }

                w.WriteObjectPath(new ObjectPath("/u/a"));
                w.WriteUInt32(0);
                w.WriteString(string.Empty);
                w.WriteObjectPath(ObjectPath.Root);
                w.WriteArrayEnd(units);
            }));
        return [.. corpus];
    }

    public static byte[] Mutate(Random random, byte[] original)
    {
        byte[] bytes = (byte[])original.Clone();
        switch (random.Next(8))
        {
            case 0:
                for (int i = random.Next(1, 5); i > 0; i--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 1:
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return bytes;
            case 2:
                {
                    int offset = random.Next(bytes.Length / 4) * 4;
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), InterestingWords[random.Next(InterestingWords.Length)]);
                    return bytes;
                }

            case 3:
                return bytes[..random.Next(bytes.Length)];
            case 4:
                {
                    byte[] longer = new byte[bytes.Length + random.Next(1, 64)];
                    bytes.CopyTo(longer, 0);
                    random.NextBytes(longer.AsSpan(bytes.Length));
                    return longer;
                }

            case 5:
                {
                    // Mutate only the body, then keep the header's lengths consistent so parsing gets deep.
                    int bodyLength = (int)(original[0] == 'B' ? BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4)) : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
                    if (bodyLength > 0)
                    {
                        bytes[bytes.Length - 1 - random.Next(bodyLength)] = (byte)random.Next(256);
                    }

                    return bytes;
                }

            case 6:
                {
                    // Random bytes behind a plausible fixed header with consistent lengths.
                    byte[] noise = new byte[16 + random.Next(200)];
                    random.NextBytes(noise);
                    noise[0] = (byte)'l';
                    noise[1] = (byte)random.Next(1, 5);
                    noise[3] = 1;
                    uint fields = (uint)random.Next(noise.Length - 16);
                    BinaryPrimitives.WriteUInt32LittleEndian(noise.AsSpan(12), fields);
                    long bodyStart = (16 + fields + 7) & ~7L;
                    BinaryPrimitives.WriteUInt32LittleEndian(noise.AsSpan(4), (uint)Math.Max(0, noise.Length - bodyStart));
                    return noise;
                }

            default:
                {
                    int from = random.Next(bytes.Length);
                    int length = random.Next(bytes.Length - from);
                    int to = random.Next(bytes.Length - length);
                    Array.Copy(original, from, bytes, to, length);
                    return bytes;
                }
        }
    }
}
