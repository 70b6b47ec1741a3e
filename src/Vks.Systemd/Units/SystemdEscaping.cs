// The one escaping layer between .NET strings and systemd unit-file text. Every value vks writes into a
// unit file goes through an encoder here, and every value it reads back goes through the matching decoder.
// Sources: systemd.syntax(7) "Quoting", systemd.service(5) "Command lines", systemd.exec(5) Environment=,
// systemd.unit(5) "Specifiers" and systemd-escape(1). Behaviour was checked against systemd 252
// (`systemd --test` dumps how it parsed a unit; the tests do the same).
//
// Value kinds:
//  - plain value: taken verbatim by systemd after specifier expansion (Description=, User=, ...);
//  - path: a plain value that must be absolute (WorkingDirectory=, ...), so no "-" or "~" prefix can sneak in;
//  - word: one quoted word, for settings that unquote their value, and for vks' own [X-Kubernetes] section;
//  - command line: ExecStart= and friends; words, plus "$" escaping for systemd's variable expansion;
//  - environment assignment: Environment="NAME=value".
// Encoders throw ArgumentException for values that cannot be written exactly; decoders throw FormatException
// for text vks would never have written.
using System.Globalization;
using System.Text;

namespace Vks.Systemd.Units;

public static class SystemdEscaping
{
    // systemd's WHITESPACE set: what it strips around keys and values and what separates words.
    private const string SystemdWhitespace = " \t\n\r";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly string[] UnitTypeSuffixes =
        [".service", ".socket", ".target", ".device", ".mount", ".automount", ".swap", ".timer", ".path", ".slice", ".scope"];

    // Longest unit name systemd accepts (UNIT_NAME_MAX is 256 including the terminating NUL).
    private const int MaxUnitNameLength = 255;

    /// <summary>A value systemd takes verbatim after specifier expansion (Description=, User=, Restart=...).</summary>
    public static string PlainValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        RequireRepresentable(value, nameof(value));
        foreach (var c in value)
        {
            if (IsControl(c))
            {
                throw new ArgumentException(
                    $"A plain unit-file value cannot hold control character U+{(int)c:X4}; it would end the line or be rejected by systemd.",
                    nameof(value));
            }
        }

        if (value.Length > 0 && (value[0] == ' ' || value[^1] == ' '))
        {
            throw new ArgumentException("A plain unit-file value cannot start or end with a space: systemd strips it.", nameof(value));
        }

        if (value.EndsWith('\\'))
        {
            throw new ArgumentException("A plain unit-file value cannot end with a backslash: systemd would join the next line.", nameof(value));
        }

        return EscapeSpecifiers(value);
    }

    /// <summary>Decodes what <see cref="PlainValue"/> wrote (also for <see cref="AbsolutePath"/>).</summary>
    public static string ParsePlainValue(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        return UnescapeSpecifiers(raw);
    }

    /// <summary>An absolute path for single-path settings (WorkingDirectory=, RootDirectory=...).</summary>
    public static string AbsolutePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        // A leading "/" rules out the "-" (ignore if missing), "+" and "~" (home directory) prefixes.
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"Path '{path}' must be absolute.", nameof(path));
        }

        return PlainValue(path);
    }

    /// <summary>One word with specifiers escaped; systemd unquotes it (and vks reads [X-Kubernetes] words back).</summary>
    public static string Word(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        RequireRepresentable(value, nameof(value));
        return QuoteIfNeeded(EscapeSpecifiers(value));
    }

    /// <summary>Decodes exactly one word written by <see cref="Word"/>.</summary>
    public static string ParseWord(string raw)
    {
        var words = SplitWords(raw);
        if (words.Count != 1)
        {
            throw new FormatException($"Expected exactly one word, found {words.Count} in '{raw}'.");
        }

        return UnescapeSpecifiers(words[0]);
    }

    /// <summary>The value of ExecStart=, ExecStartPre=, ExecStop=... for one command.</summary>
    public static string CommandLine(ExecCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        ValidateExecutable(command.Executable);

        var text = new StringBuilder();
        if (command.IgnoreFailure)
        {
            text.Append('-');
        }

        // The executable is not subject to "$" expansion ("$" is rejected above), but to specifiers it is.
        text.Append(QuoteIfNeeded(EscapeSpecifiers(command.Executable)));
        foreach (var argument in command.Arguments)
        {
            ArgumentNullException.ThrowIfNull(argument, nameof(command));
            RequireRepresentable(argument, nameof(command));
            text.Append(' ').Append(QuoteIfNeeded(EscapeSpecifiers(EscapeDollars(argument))));
        }

        return text.ToString();
    }

    /// <summary>Decodes what <see cref="CommandLine"/> wrote.</summary>
    public static ExecCommand ParseCommandLine(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var ignoreFailure = raw.StartsWith('-');
        var words = SplitWords(ignoreFailure ? raw[1..] : raw);
        if (words.Count == 0)
        {
            throw new FormatException("A command line needs an executable.");
        }

        var executable = UnescapeSpecifiers(words[0]);
        try
        {
            ValidateExecutable(executable);
        }
        catch (ArgumentException e)
        {
            throw new FormatException(e.Message, e);
        }

        var arguments = words.Skip(1).Select(w => UnescapeDollars(UnescapeSpecifiers(w))).ToArray();
        return new ExecCommand(executable, arguments, ignoreFailure);
    }

    /// <summary>The value of one Environment= line: a single quoted "NAME=value" word.</summary>
    public static string EnvironmentAssignment(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!IsValidEnvironmentName(name))
        {
            throw new ArgumentException(
                $"'{name}' is not an environment variable name systemd accepts (letters, digits and '_', not starting with a digit).",
                nameof(name));
        }

        RequireRepresentable(value, nameof(value));
        // No "$" escaping: systemd does not expand variables in Environment= (systemd.exec(5)).
        return QuoteIfNeeded(EscapeSpecifiers(name + "=" + value));
    }

    /// <summary>Decodes what <see cref="EnvironmentAssignment"/> wrote.</summary>
    public static KeyValuePair<string, string> ParseEnvironmentAssignment(string raw)
    {
        var assignment = ParseWord(raw);
        var equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0 || !IsValidEnvironmentName(assignment[..equals]))
        {
            throw new FormatException($"'{raw}' is not a NAME=value environment assignment.");
        }

        return new KeyValuePair<string, string>(assignment[..equals], assignment[(equals + 1)..]);
    }

    public static bool IsValidEnvironmentName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Escapes a string for use in a unit name, like `systemd-escape` (string mode).</summary>
    public static string EscapeUnitNamePart(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        RequireRepresentable(value, nameof(value));
        var bytes = StrictUtf8.GetBytes(value);
        var text = new StringBuilder(bytes.Length);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (i == 0 && b == '.')
            {
                // A leading dot would make a hidden file; systemd-escape escapes it.
                AppendHexEscape(text, b);
            }
            else if (b == '/')
            {
                text.Append('-');
            }
            else if (IsUnitNameLiteral(b))
            {
                text.Append((char)b);
            }
            else
            {
                AppendHexEscape(text, b);
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Reverses <see cref="EscapeUnitNamePart"/>. Only the canonical form is accepted (the one
    /// <see cref="EscapeUnitNamePart"/> produces), so each string has exactly one escaped name.
    /// </summary>
    public static string UnescapeUnitNamePart(string escaped)
    {
        ArgumentNullException.ThrowIfNull(escaped);
        var bytes = new List<byte>(escaped.Length);
        for (var i = 0; i < escaped.Length; i++)
        {
            var c = escaped[i];
            if (c == '-')
            {
                bytes.Add((byte)'/');
            }
            else if (c == '\\')
            {
                if (i + 3 >= escaped.Length || escaped[i + 1] != 'x'
                    || !byte.TryParse(escaped.AsSpan(i + 2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                {
                    throw new FormatException($"'{escaped}' has a malformed \\x escape at offset {i}.");
                }

                bytes.Add(b);
                i += 3;
            }
            else if (c < 0x80 && IsUnitNameLiteral((byte)c))
            {
                bytes.Add((byte)c);
            }
            else
            {
                throw new FormatException($"'{escaped}' contains '{c}', which systemd-escape never writes.");
            }
        }

        string value;
        try
        {
            value = StrictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException e)
        {
            throw new FormatException($"'{escaped}' does not decode to UTF-8 text.", e);
        }

        if (value.Contains('\0', StringComparison.Ordinal) || EscapeUnitNamePart(value) != escaped)
        {
            throw new FormatException($"'{escaped}' is not in the canonical systemd-escape form.");
        }

        return value;
    }

    /// <summary>
    /// Whether <paramref name="name"/> is a unit name systemd accepts (plain or template instance, known type
    /// suffix). Such a name is also a safe file name: it has no "/" and is never "." or "..".
    /// </summary>
    public static bool IsValidUnitName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length > MaxUnitNameLength)
        {
            return false;
        }

        var suffix = Array.Find(UnitTypeSuffixes, s => name.EndsWith(s, StringComparison.Ordinal));
        if (suffix is null)
        {
            return false;
        }

        var prefix = name.AsSpan(0, name.Length - suffix.Length);
        if (prefix.IsEmpty || prefix[0] == '@' || prefix.Count('@') > 1)
        {
            return false;
        }

        foreach (var c in prefix)
        {
            if (c != '@' && (c >= 0x80 || !IsUnitNameLiteral((byte)c)) && c != '-' && c != '\\')
            {
                return false;
            }
        }

        return true;
    }

    // Splits a setting value into words the way systemd's extract_first_word() does with
    // EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE: whitespace separates words, single and double quotes group, and
    // backslash escapes apply inside and outside quotes. Escapes vks never writes are rejected.
    internal static List<string> SplitWords(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var quote = '\0';
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '\\')
            {
                i = AppendUnescaped(raw, i, word);
                inWord = true;
            }
            else if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (SystemdWhitespace.Contains(c, StringComparison.Ordinal))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (quote != '\0')
        {
            throw new FormatException($"Unterminated quote in '{raw}'.");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    // Decodes the escape starting at raw[start] (a backslash) into word; returns the index of its last char.
    private static int AppendUnescaped(string raw, int start, StringBuilder word)
    {
        if (start + 1 >= raw.Length)
        {
            throw new FormatException($"Trailing backslash in '{raw}'.");
        }

        var c = raw[start + 1];
        char? simple = c switch
        {
            'a' => '\a',
            'b' => '\b',
            'f' => '\f',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\v',
            's' => ' ',
            '\\' => '\\',
            '"' => '"',
            '\'' => '\'',
            _ => null,
        };
        if (simple is { } decoded)
        {
            word.Append(decoded);
            return start + 1;
        }

        if (c == 'x' && start + 3 < raw.Length
            && byte.TryParse(raw.AsSpan(start + 2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b)
            && b is > 0 and < 0x80)
        {
            word.Append((char)b);
            return start + 3;
        }

        throw new FormatException($"Unsupported escape '\\{c}' in '{raw}'.");
    }

    // Writes value bare when every character is harmless to systemd's word splitter, otherwise in double
    // quotes with C escapes for backslash, quote and control characters.
    private static string QuoteIfNeeded(string value)
    {
        if (value.Length > 0 && value.All(IsBareWordChar))
        {
            return value;
        }

        var text = new StringBuilder(value.Length + 2);
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    text.Append(@"\\");
                    break;
                case '"':
                    text.Append("\\\"");
                    break;
                case '\n':
                    text.Append(@"\n");
                    break;
                case '\t':
                    text.Append(@"\t");
                    break;
                default:
                    if (IsControl(c))
                    {
                        text.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        return text.Append('"').ToString();
    }

    private static bool IsBareWordChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '+' or ',' or ':' or '=' or '@';

    private static void ValidateExecutable(string executable)
    {
        ArgumentNullException.ThrowIfNull(executable);
        RequireRepresentable(executable, nameof(executable));
        // systemd strips the prefixes "@-:+!" from the unquoted first word; an absolute path starts with "/",
        // so no prefix can be smuggled in through the executable.
        if (!executable.StartsWith('/') || executable.EndsWith('/'))
        {
            throw new ArgumentException($"Executable '{executable}' must be an absolute path to a file.", nameof(executable));
        }

        foreach (var c in executable)
        {
            // systemd refuses quotes, backslashes and control characters in the executable
            // ("Executable name contains special characters"). "$" is not expanded in the path but is in argv[0],
            // which systemd copies from the path, so the two would differ.
            if (IsControl(c) || c is '"' or '\'' or '\\' or '$')
            {
                throw new ArgumentException(
                    $"Executable '{executable}' contains '{c}', which systemd does not accept or would expand.", nameof(executable));
            }
        }
    }

    private static string EscapeSpecifiers(string value) => value.Replace("%", "%%", StringComparison.Ordinal);

    private static string EscapeDollars(string value) => value.Replace("$", "$$", StringComparison.Ordinal);

    private static string UnescapeSpecifiers(string value) => UnescapeDoubled(value, '%', "specifier");

    private static string UnescapeDollars(string value) => UnescapeDoubled(value, '$', "variable reference");

    private static string UnescapeDoubled(string value, char marker, string what)
    {
        if (!value.Contains(marker, StringComparison.Ordinal))
        {
            return value;
        }

        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != marker)
            {
                text.Append(value[i]);
            }
            else if (i + 1 < value.Length && value[i + 1] == marker)
            {
                text.Append(marker);
                i++;
            }
            else
            {
                throw new FormatException($"'{value}' contains a systemd {what}, which vks never writes.");
            }
        }

        return text.ToString();
    }

    // NUL cannot be written in any form systemd reads back, and lone surrogates have no UTF-8 encoding.
    private static void RequireRepresentable(string value, string parameterName)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("Unit-file values cannot contain NUL characters.", parameterName);
        }

        try
        {
            StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException("Unit-file values must be valid Unicode (no lone surrogates).", parameterName, e);
        }
    }

    internal static bool IsControl(char c) => c < 0x20 || c == 0x7f;

    internal static int Utf8ByteCount(string value) => StrictUtf8.GetByteCount(value);

    // Bytes systemd-escape keeps as they are ("-" and "\" are escaped, "/" becomes "-").
    private static bool IsUnitNameLiteral(byte b) =>
        b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)':' or (byte)'_' or (byte)'.';

    private static void AppendHexEscape(StringBuilder text, byte b) =>
        text.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}");
}
