// Resolves a bare command name ("sh") to an absolute path the way systemd's default search path would, for
// PodUnitContext.ResolveExecutable: the translator writes absolute executables only.
namespace Vks.Actors.Units;

public static class ExecutableSearchPath
{
    // systemd's default PATH for services (systemd.exec(5), "Environment Variables in Spawned Processes").
    public static readonly IReadOnlyList<string> Directories =
        ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>The first executable regular file named <paramref name="name"/> in <see cref="Directories"/>, or null.</summary>
    public static string? Resolve(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal) || name is "." or "..")
        {
            return null;
        }

        foreach (var directory in Directories)
        {
            var path = Path.Combine(directory, name);
            var info = new FileInfo(path);
            if (info.Exists && (info.UnixFileMode & AnyExecute) != 0)
            {
                return path;
            }
        }

        return null;
    }
}
