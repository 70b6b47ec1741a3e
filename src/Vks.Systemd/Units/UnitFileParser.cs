// Reads unit-file text with systemd's own line rules (systemd.syntax(7), conf-parser.c in systemd 252):
// blank lines and "#"/";" comments are skipped, a line ending in an unescaped backslash continues on the
// next line (comment lines inside a continuation are skipped), whitespace around "=" is stripped.
// Following systemd here matters: vks must see the same directives systemd sees. Everything vks would
// never write (text before the first section, repeated sections, control characters, a dangling
// continuation) is rejected instead of guessed at.
namespace Vks.Systemd.Units;

internal static class UnitFileParser
{
    private static readonly char[] SystemdWhitespace = [' ', '\t', '\n', '\r'];

    public static UnitFile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith('\uFEFF'))
        {
            text = text[1..];
        }

        var sections = new List<UnitSection>();
        string? sectionName = null;
        var directives = new List<UnitDirective>();
        string? continuation = null;
        // A final "\n" ends the last line rather than starting an empty one.
        var lines = text.EndsWith('\n') ? text[..^1].Split('\n') : text.Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var lineNumber = index + 1;
            var line = lines[index];
            if (continuation is not null && IsComment(line.TrimStart(SystemdWhitespace)))
            {
                continue;
            }

            var joined = continuation is null ? line : continuation + line;
            if (EndsWithUnescapedBackslash(joined))
            {
                // systemd replaces the backslash with a space and reads on.
                continuation = joined[..^1] + " ";
                continue;
            }

            continuation = null;
            var stripped = joined.Trim(SystemdWhitespace);
            if (stripped.Length == 0 || IsComment(stripped))
            {
                continue;
            }

            try
            {
                if (stripped[0] == '[')
                {
                    if (sectionName is not null)
                    {
                        sections.Add(new UnitSection(sectionName, directives));
                    }

                    if (stripped.Length < 2 || stripped[^1] != ']')
                    {
                        throw new FormatException($"Line {lineNumber}: invalid section header '{stripped}'.");
                    }

                    sectionName = stripped[1..^1];
                    UnitSection.RequireValidName(sectionName);
                    directives = [];
                    continue;
                }

                if (sectionName is null)
                {
                    throw new FormatException($"Line {lineNumber}: directive outside of any section.");
                }

                var equals = stripped.IndexOf('=', StringComparison.Ordinal);
                if (equals < 0)
                {
                    throw new FormatException($"Line {lineNumber}: missing '='.");
                }

                directives.Add(new UnitDirective(stripped[..equals].Trim(SystemdWhitespace), stripped[(equals + 1)..].Trim(SystemdWhitespace)));
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"Line {lineNumber}: {e.Message}", e);
            }
        }

        if (continuation is not null)
        {
            throw new FormatException("The last line ends with a backslash continuation.");
        }

        try
        {
            if (sectionName is not null)
            {
                sections.Add(new UnitSection(sectionName, directives));
            }

            return new UnitFile(sections);
        }
        catch (ArgumentException e)
        {
            throw new FormatException(e.Message, e);
        }
    }

    private static bool IsComment(string line) => line.StartsWith('#') || line.StartsWith(';');

    // systemd walks the whole line pairing each backslash with the character after it; a backslash left
    // unpaired at the end marks a continuation.
    private static bool EndsWithUnescapedBackslash(string line)
    {
        var escaped = false;
        foreach (var c in line)
        {
            escaped = !escaped && c == '\\';
        }

        return escaped;
    }
}
