// One "FIELD=value" term of a journal query. journalctl takes each as one argument after "--", so a value can hold
// anything (spaces, a leading "-", newlines): only the field name decides how journalctl reads the argument, and a
// valid field name never starts with "-", "/" or "+", the three things journalctl treats specially.
namespace Vks.Systemd.Journal;

public sealed record JournalMatch
{
    // journald refuses longer field names (sd-journal's journal_field_valid()).
    private const int MaxFieldLength = 64;

    /// <param name="field">A journal field name: A-Z, 0-9 and "_", not starting with a digit, at most 64 characters.
    /// Trusted fields (leading "_", e.g. _SYSTEMD_UNIT) are allowed: they are what a query usually matches on.</param>
    /// <param name="value">The exact value; anything but NUL, which no command-line argument can carry.</param>
    public JournalMatch(string field, string value)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(value);
        if (!IsValidField(field))
        {
            throw new ArgumentException($"'{field}' is not a journal field name (A-Z, 0-9 and '_', not starting with a digit, at most 64 characters).", nameof(field));
        }

        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The value matched against {field} contains NUL.", nameof(value));
        }

        Field = field;
        Value = value;
    }

    public string Field { get; }

    public string Value { get; }

    /// <summary>Entries logged by the processes of <paramref name="unitName"/> (_SYSTEMD_UNIT, set by journald).</summary>
    public static JournalMatch Unit(string unitName)
    {
        ArgumentNullException.ThrowIfNull(unitName);
        if (!Units.SystemdEscaping.IsValidUnitName(unitName))
        {
            throw new ArgumentException($"'{unitName}' is not a valid unit name.", nameof(unitName));
        }

        return new JournalMatch("_SYSTEMD_UNIT", unitName);
    }

    /// <summary>Entries of one run of a unit (_SYSTEMD_INVOCATION_ID); <paramref name="invocationId"/> is 32 hex
    /// digits, as systemd prints an InvocationID.</summary>
    public static JournalMatch Invocation(string invocationId)
    {
        ArgumentNullException.ThrowIfNull(invocationId);
        if (!IsInvocationId(invocationId))
        {
            throw new ArgumentException($"'{invocationId}' is not an invocation ID (32 hex digits).", nameof(invocationId));
        }

        return new JournalMatch("_SYSTEMD_INVOCATION_ID", invocationId.ToLowerInvariant());
    }

    /// <summary>The argument journalctl reads as this match.</summary>
    public string ToArgument() => Field + "=" + Value;

    internal static bool IsInvocationId(string text) => text.Length == 32 && text.All(char.IsAsciiHexDigit);

    private static bool IsValidField(string field) =>
        field.Length is > 0 and <= MaxFieldLength
        && !char.IsAsciiDigit(field[0])
        && field.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_');
}
