// Reading what apt and dpkg print (with LC_ALL=C, so the texts are the untranslated ones). Pure functions, tested
// on captured output.
namespace Vks.Actors.Packages;

internal static class AptOutput
{
    // Where Debian packages put their systemd units (/lib before the /usr merge, /usr/lib after).
    private static readonly string[] SystemUnitDirectories = ["/lib/systemd/system/", "/usr/lib/systemd/system/"];

    // The unit types that start a daemon on their own once enabled: the service itself, or its activators.
    private static readonly string[] DaemonUnitSuffixes = [".service", ".socket", ".timer", ".path"];

    /// <summary>
    /// Reads <c>apt-cache policy PACKAGE</c>:
    /// <code>
    /// uptimed:
    ///   Installed: (none)
    ///   Candidate: 1:0.4.6-3
    ///   Version table:
    ///      1:0.4.6-3 500
    ///         500 http://deb.debian.org/debian bookworm/main amd64 Packages
    ///  *** 1:0.4.6-2 100
    ///         100 /var/lib/dpkg/status
    /// </code>
    /// A package apt does not know prints nothing.
    /// </summary>
    public static PackageQuery ParsePolicy(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        string? installed = null;
        string? candidate = null;
        var versions = new List<string>();
        foreach (var line in output.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("Installed:", StringComparison.Ordinal))
            {
                installed = VersionOrNull(trimmed["Installed:".Length..]);
            }
            else if (trimmed.StartsWith("Candidate:", StringComparison.Ordinal))
            {
                candidate = VersionOrNull(trimmed["Candidate:".Length..]);
            }
            else if (line.StartsWith(" *** ", StringComparison.Ordinal) || (line.StartsWith("     ", StringComparison.Ordinal) && line.Length > 5 && line[5] != ' '))
            {
                // A version-table entry ("VERSION PRIORITY"); the deeper-indented lines under it are its sources.
                var version = line[5..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
                if (version is not null && !versions.Contains(version))
                {
                    versions.Add(version);
                }
            }
        }

        return new PackageQuery(installed, candidate, versions);
    }

    /// <summary>
    /// The line that says why apt failed: its first "E: " line (later ones are consequences, such as "Sub-process
    /// /usr/bin/dpkg returned an error code (1)"), else the last line it printed on standard error, else the exit status.
    /// </summary>
    public static string ErrorLine(ProcessResult result, string command)
    {
        ArgumentNullException.ThrowIfNull(result);
        var lines = result.StandardError.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        var error = lines.FirstOrDefault(l => l.StartsWith("E: ", StringComparison.Ordinal));
        return error is not null ? error[3..]
            : lines.Length > 0 ? lines[^1]
            : $"{command} exited with status {result.ExitCode}.";
    }

    /// <summary>apt refuses to work after a dpkg run was cut short, until <c>dpkg --configure -a</c> finishes it.</summary>
    public static bool IsDpkgInterrupted(ProcessResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.StandardError.Contains("dpkg was interrupted", StringComparison.Ordinal);
    }

    /// <summary>The units in a package's file list (<c>dpkg-query -L</c>) that start a daemon once enabled; templates
    /// (name@.service) are left out, since they do nothing until an instance is enabled.</summary>
    public static IReadOnlyList<string> DaemonUnits(string fileList)
    {
        ArgumentNullException.ThrowIfNull(fileList);
        return UnitPaths(fileList)
            .Where(path => DaemonUnitSuffixes.Any(suffix => path.EndsWith(suffix, StringComparison.Ordinal)))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => !name.Contains('@', StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// The package's own service unit, the one a container without a command runs: PACKAGE.service if it ships one,
    /// else its only service; null when it ships none, or several and none named after it (which to run would be a guess).
    /// </summary>
    public static string? ServiceUnitPath(string package, string fileList)
    {
        ArgumentNullException.ThrowIfNull(package);
        ArgumentNullException.ThrowIfNull(fileList);
        var services = UnitPaths(fileList)
            .Where(path => path.EndsWith(".service", StringComparison.Ordinal) && !Path.GetFileName(path).Contains('@', StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
        return services.FirstOrDefault(path => Path.GetFileName(path) == package + ".service")
            ?? (services.Length == 1 ? services[0] : null);
    }

    // Files directly in a system unit directory (not drop-ins in name.service.d/ or *.wants/ links).
    private static IEnumerable<string> UnitPaths(string fileList) =>
        fileList.Split('\n')
            .Select(l => l.Trim())
            .Where(path => SystemUnitDirectories.Any(directory =>
                path.StartsWith(directory, StringComparison.Ordinal) && path.Length > directory.Length && !path.AsSpan(directory.Length).Contains('/')));

    private static string? VersionOrNull(string text)
    {
        var value = text.Trim();
        return value.Length == 0 || value == "(none)" ? null : value;
    }
}
