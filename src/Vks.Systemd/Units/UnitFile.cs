// The unit-file model: ordered sections of ordered directives, with duplicates allowed (ExecStartPre= twice,
// Environment= many times). Directive values are held as the exact text after "=", already escaped by
// SystemdEscaping; the constructors refuse any text that could end the line, continue it onto the next one,
// or be changed by systemd's whitespace stripping, so no value can add a directive or a section.
using System.Text;

namespace Vks.Systemd.Units;

public sealed class UnitFile
{
    public UnitFile(IEnumerable<UnitSection> sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        Sections = sections.ToArray();
        var duplicate = Sections.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            // systemd merges same-named sections; vks writes each section once so the model stays unambiguous.
            throw new ArgumentException($"Section [{duplicate.Key}] appears more than once.", nameof(sections));
        }
    }

    public IReadOnlyList<UnitSection> Sections { get; }

    public UnitSection? FindSection(string name) => Sections.FirstOrDefault(s => s.Name == name);

    public string Render()
    {
        var text = new StringBuilder();
        for (var i = 0; i < Sections.Count; i++)
        {
            if (i > 0)
            {
                text.Append('\n');
            }

            text.Append('[').Append(Sections[i].Name).Append("]\n");
            foreach (var directive in Sections[i].Directives)
            {
                text.Append(directive.Key).Append('=').Append(directive.Value).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>Parses unit-file text the way systemd reads it; anything vks would not write is a FormatException.</summary>
    public static UnitFile Parse(string text) => UnitFileParser.Parse(text);
}

public sealed class UnitSection
{
    public UnitSection(string name, IEnumerable<UnitDirective> directives)
    {
        ArgumentNullException.ThrowIfNull(directives);
        RequireValidName(name);
        Name = name;
        Directives = directives.ToArray();
    }

    public string Name { get; }

    public IReadOnlyList<UnitDirective> Directives { get; }

    internal static void RequireValidName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new ArgumentException($"'{name}' is not a section name vks writes (ASCII letters, digits and '-').", nameof(name));
        }
    }

    /// <summary>The raw values of every directive named <paramref name="key"/>, in file order.</summary>
    public IEnumerable<string> ValuesOf(string key) =>
        Directives.Where(d => d.Key == key).Select(d => d.Value);
}

/// <summary>
/// One "Key=Value" line. <see cref="Value"/> is the raw text as it appears in the file; build it with the
/// factories (or <see cref="SystemdEscaping"/>) rather than by hand.
/// </summary>
public sealed record UnitDirective
{
    // systemd reads lines of at most LONG_LINE_MAX (1 MiB) and refuses the whole file beyond that.
    private const int MaxLineBytes = (1024 * 1024) - 1;

    public UnitDirective(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (key.Length == 0 || !char.IsAsciiLetter(key[0]) || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"'{key}' is not a directive name vks writes (ASCII letters, digits, '-' and '_').", nameof(key));
        }

        if (value.Any(SystemdEscaping.IsControl))
        {
            throw new ArgumentException($"Raw value of {key}= contains a control character; escape it with SystemdEscaping.", nameof(value));
        }

        if (value.Length > 0 && (value[0] == ' ' || value[^1] == ' '))
        {
            throw new ArgumentException($"Raw value of {key}= starts or ends with a space, which systemd strips.", nameof(value));
        }

        if (value.EndsWith('\\'))
        {
            throw new ArgumentException($"Raw value of {key}= ends with a backslash, which systemd reads as a line continuation.", nameof(value));
        }

        int bytes;
        try
        {
            bytes = SystemdEscaping.Utf8ByteCount(value) + key.Length + 1;
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"Raw value of {key}= is not valid Unicode.", nameof(value), e);
        }

        if (bytes > MaxLineBytes)
        {
            throw new ArgumentException($"The {key}= line would be {bytes} bytes; systemd reads at most {MaxLineBytes}.", nameof(value));
        }

        Key = key;
        Value = value;
    }

    public string Key { get; }

    public string Value { get; }

    /// <summary>A setting systemd takes verbatim (Description=, User=, Restart=...).</summary>
    public static UnitDirective Plain(string key, string value) => new(key, SystemdEscaping.PlainValue(value));

    /// <summary>A single absolute path (WorkingDirectory=, RootDirectory=...).</summary>
    public static UnitDirective Path(string key, string absolutePath) => new(key, SystemdEscaping.AbsolutePath(absolutePath));

    /// <summary>One quoted word: settings systemd unquotes, and vks' own [X-Kubernetes] values.</summary>
    public static UnitDirective Word(string key, string value) => new(key, SystemdEscaping.Word(value));

    /// <summary>A command for ExecStart=, ExecStartPre=, ExecStop=...</summary>
    public static UnitDirective Exec(string key, ExecCommand command) => new(key, SystemdEscaping.CommandLine(command));

    /// <summary>One Environment= line setting one variable.</summary>
    public static UnitDirective Environment(string name, string value) =>
        new("Environment", SystemdEscaping.EnvironmentAssignment(name, value));
}
