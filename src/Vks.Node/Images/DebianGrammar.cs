// Debian's grammar for package names and versions (Debian Policy 5.6.1 and 5.6.12, deb-version(7)), used to
// validate container images before anything reaches apt or dpkg. Every accepted name starts with a lower-case
// letter or a digit and every accepted version with a digit, so neither can ever be read as an option.
namespace Vks.Node.Images;

public static class DebianGrammar
{
    /// <summary>The reason <paramref name="name"/> is not a Debian package name, or null when it is one.</summary>
    public static string? PackageNameError(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length < 2)
        {
            return $"'{name}' is not a Debian package name: it needs at least two characters.";
        }

        if (name.Any(char.IsAsciiLetterUpper))
        {
            return $"'{name}' is not a Debian package name: package names are lower case.";
        }

        if (!IsLowerAlphanumeric(name[0]))
        {
            return $"'{name}' is not a Debian package name: it must start with a lower-case letter or a digit.";
        }

        foreach (var c in name)
        {
            if (!IsLowerAlphanumeric(c) && c is not ('+' or '-' or '.'))
            {
                return $"'{name}' is not a Debian package name: it may only hold lower-case letters, digits, '+', '-' and '.'.";
            }
        }

        return null;
    }

    /// <summary>
    /// The reason <paramref name="version"/> is not a Debian version ([epoch:]upstream[-revision]), or null when it
    /// is one. The epoch ends at the first colon and the revision starts after the last hyphen, so the upstream
    /// part may hold colons only after an epoch and hyphens only before a revision, as deb-version(7) requires.
    /// </summary>
    public static string? VersionError(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var upstream = version;
        var colon = version.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            var epoch = version[..colon];
            if (epoch.Length == 0 || !epoch.All(char.IsAsciiDigit))
            {
                return $"'{version}' is not a Debian version: the epoch before the first ':' must be a number.";
            }

            if (!int.TryParse(epoch, out _))
            {
                return $"'{version}' is not a Debian version: the epoch is too large.";
            }

            upstream = version[(colon + 1)..];
        }

        var hyphen = upstream.LastIndexOf('-');
        if (hyphen >= 0)
        {
            var revision = upstream[(hyphen + 1)..];
            if (revision.Length == 0)
            {
                return $"'{version}' is not a Debian version: the revision after the last '-' is empty.";
            }

            if (!revision.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '.' or '~'))
            {
                return $"'{version}' is not a Debian version: the revision may only hold letters, digits, '+', '.' and '~'.";
            }

            upstream = upstream[..hyphen];
        }

        if (upstream.Length == 0 || !char.IsAsciiDigit(upstream[0]))
        {
            return $"'{version}' is not a Debian version: the upstream version must start with a digit.";
        }

        if (!upstream.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '~' or '-' or ':'))
        {
            return $"'{version}' is not a Debian version: it may only hold letters, digits, '.', '+', '~', '-' and ':'.";
        }

        return null;
    }

    private static bool IsLowerAlphanumeric(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
}
