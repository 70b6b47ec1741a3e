// Encodes one journal entry in journald's native protocol (systemd.io/JOURNAL_NATIVE_PROTOCOL): one
// "FIELD=value\n" per field, or, for a value that contains a newline, the binary-safe form
// "FIELD\n" + 64-bit little-endian length + value bytes + "\n".
using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Vks.Systemd.Journal;

internal static class JournalNativeMessage
{
    // journald ignores field names longer than this.
    private const int MaxFieldNameLength = 64;

    public static byte[] Encode(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var (name, value) in fields)
        {
            var nameBytes = Encoding.ASCII.GetBytes(name);
            var valueBytes = Encoding.UTF8.GetBytes(value);
            buffer.Write(nameBytes);
            if (value.Contains('\n', StringComparison.Ordinal))
            {
                buffer.Write("\n"u8);
                BinaryPrimitives.WriteUInt64LittleEndian(buffer.GetSpan(sizeof(ulong)), (ulong)valueBytes.Length);
                buffer.Advance(sizeof(ulong));
            }
            else
            {
                buffer.Write("="u8);
            }

            buffer.Write(valueBytes);
            buffer.Write("\n"u8);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Turns a property name into a field name journald accepts: upper-case ASCII letters, digits and "_",
    /// not starting with "_" (reserved for fields journald itself adds) or a digit, at most 64 characters.
    /// Null when nothing usable is left.
    /// </summary>
    public static string? SanitizeFieldName(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c))
            {
                text.Append(c);
            }
            else if (char.IsAsciiLetterLower(c))
            {
                text.Append(char.ToUpperInvariant(c));
            }
            else if (text.Length > 0)
            {
                text.Append('_');
            }
        }

        var start = 0;
        while (start < text.Length && (text[start] == '_' || char.IsAsciiDigit(text[start])))
        {
            start++;
        }

        var length = Math.Min(text.Length - start, MaxFieldNameLength);
        return length == 0 ? null : text.ToString(start, length);
    }
}
