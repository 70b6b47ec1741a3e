// Text the kubelet produces with Go's formatting, reproduced so kubectl users see the same: timestamps in
// time.RFC3339Nano and names quoted with %q (strconv.Quote) in error messages.
using System.Globalization;
using System.Text;

namespace Vks.Node.KubeletApi.Logs;

public static class GoFormatting
{
    /// <summary>
    /// Go's <c>t.UTC().Format(time.RFC3339Nano)</c> ("2006-01-02T15:04:05.999999999Z07:00"): the fraction of a
    /// second has its trailing zeros trimmed and disappears, dot included, when it is zero; UTC is written "Z".
    /// </summary>
    public static string Rfc3339Nano(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var text = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var ticks = utc.Ticks % TimeSpan.TicksPerSecond;
        if (ticks != 0)
        {
            // 100 ns ticks as nanoseconds: nine digits, trailing zeros trimmed.
            text += "." + (ticks * 100).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        }

        return text + "Z";
    }

    /// <summary>Go's <c>%q</c> of a string: double quotes, with backslash escapes for quotes, backslashes and
    /// characters that do not print.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var rune in value.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append(@"\\");
                    break;
                case '\a':
                    text.Append(@"\a");
                    break;
                case '\b':
                    text.Append(@"\b");
                    break;
                case '\f':
                    text.Append(@"\f");
                    break;
                case '\n':
                    text.Append(@"\n");
                    break;
                case '\r':
                    text.Append(@"\r");
                    break;
                case '\t':
                    text.Append(@"\t");
                    break;
                case '\v':
                    text.Append(@"\v");
                    break;
                case < 0x20 or 0x7f:
                    text.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}");
                    break;
                default:
                    if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
                        or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                    {
                        text.Append(rune.Value > 0xffff
                            ? string.Create(CultureInfo.InvariantCulture, $"\\U{rune.Value:x8}")
                            : string.Create(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}"));
                    }
                    else
                    {
                        text.Append(rune.ToString());
                    }

                    break;
            }
        }

        return text.Append('"').ToString();
    }
}
