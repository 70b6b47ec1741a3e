using System.Text;
using Vks.Systemd.DBus;

namespace Vks.Systemd.Tests.DBus;

/// <summary>Random D-Bus values of random types (basic types, arrays, dictionaries, structs, nested variants),
/// kept within the specification's limits; seeded by the caller so failures reproduce.</summary>
internal static class RandomVariants
{
    private const string BasicTypes = "ybnqiuxtdsog";

    public static Variant Next(Random random) => Value(random, Type(random, 0), 0);

    public static string Type(Random random, int depth)
    {
        int pick = random.Next(depth >= 4 ? BasicTypes.Length : BasicTypes.Length + 4);
        if (pick < BasicTypes.Length)
        {
            return BasicTypes[pick].ToString();
        }

        return (pick - BasicTypes.Length) switch
        {
            0 => "v",
            1 => "a" + Type(random, depth + 1),
            2 => "a{" + BasicTypes[random.Next(BasicTypes.Length)] + Type(random, depth + 1) + "}",
            _ => "(" + string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => Type(random, depth + 1))) + ")",
        };
    }

    public static Variant Value(Random random, string type, int depth) => type[0] switch
    {
        'y' => new Variant((byte)random.Next(256)),
        'b' => new Variant(random.Next(2) == 1),
        'n' => new Variant((short)random.Next(short.MinValue, short.MaxValue + 1)),
        'q' => new Variant((ushort)random.Next(ushort.MaxValue + 1)),
        'i' => new Variant(random.Next(int.MinValue, int.MaxValue)),
        'u' => new Variant((uint)random.NextInt64(uint.MaxValue + 1L)),
        'x' => new Variant(random.NextInt64(long.MinValue, long.MaxValue)),
        't' => new Variant((ulong)random.NextInt64() * 2),
        'd' => new Variant((random.NextDouble() * 1e9) - 5e8),
        's' => new Variant(Text(random)),
        'o' => new Variant(new ObjectPath(Path(random))),
        'g' => new Variant(new Signature(Type(random, 2))),
        'v' => Variant.FromVariant(Value(random, Type(random, depth + 1), depth + 1)),
        'a' => Array(random, type[1..], depth),
        _ => Variant.FromStruct(Fields(type).Select(field => Value(random, field, depth + 1)).ToArray()),
    };

    public static string Text(Random random)
    {
        var text = new StringBuilder();
        int length = random.Next(12);
        for (int i = 0; i < length; i++)
        {
            text.Append(random.Next(4) switch
            {
                0 => char.ConvertFromUtf32(random.Next(0x1F300, 0x1F600)),
                1 => ((char)random.Next(0x80, 0xD800)).ToString(),
                _ => ((char)random.Next(1, 0x80)).ToString(),
            });
        }

        return text.ToString();
    }

    public static string Path(Random random)
    {
        int elements = random.Next(4);
        if (elements == 0)
        {
            return "/";
        }

        const string alphabet = "abcXYZ019_";
        return string.Concat(Enumerable.Range(0, elements).Select(_ => "/" + new string(Enumerable.Range(0, random.Next(1, 6)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray())));
    }

    private static Variant Array(Random random, string element, int depth)
    {
        int count = random.Next(4);
        if (element[0] == '{')
        {
            string key = element[1].ToString();
            string value = element[2..^1];
            return Variant.FromDictionary(
                new Signature(key),
                new Signature(value),
                Enumerable.Range(0, count).Select(_ => new KeyValuePair<Variant, Variant>(Value(random, key, depth + 1), Value(random, value, depth + 1))).ToList());
        }

        return Variant.FromArray(new Signature(element), Enumerable.Range(0, count).Select(_ => Value(random, element, depth + 1)).ToArray());
    }

    private static IEnumerable<string> Fields(string structType)
    {
        int position = 1;
        while (position < structType.Length - 1)
        {
            int end = Signature.SkipCompleteType(structType, position);
            yield return structType[position..end];
            position = end;
        }
    }
}
