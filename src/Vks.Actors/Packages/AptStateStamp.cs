// What apt and dpkg would answer about a package depends only on files: dpkg's database (/var/lib/dpkg, rewritten
// by every dpkg run), apt's index (/var/lib/apt/lists, replaced by apt-get update) and apt's configuration
// (/etc/apt: sources, pins, apt.conf). The stamp is the name, size and modification time of every file under those
// roots; while it is unchanged, an earlier answer of apt-cache or dpkg-query is still the answer. Reading it costs a
// few dozen stat calls, against hundreds of milliseconds (seconds under load) for one apt-cache run.
using System.Text;

namespace Vks.Actors.Packages;

/// <param name="Files">One line per file: its path, modification time and size (compared as a whole).</param>
internal sealed record AptStateStamp(string Files)
{
    /// <summary>Reads the stamp of <paramref name="roots"/>: each root is a file or a directory (taken recursively);
    /// one that does not exist counts as such.</summary>
    public static AptStateStamp Read(IReadOnlyList<string> roots)
    {
        var files = new StringBuilder();
        foreach (var root in roots)
        {
            var info = new FileInfo(root);
            if (info.Exists)
            {
                Append(files, info);
            }
            else if (Directory.Exists(root))
            {
                var directory = new DirectoryInfo(root);
                Append(files, directory);
                var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = 0 };
                foreach (var entry in directory.EnumerateFileSystemInfos("*", options).OrderBy(e => e.FullName, StringComparer.Ordinal))
                {
                    Append(files, entry);
                }
            }
            else
            {
                files.Append(root).Append(" absent\n");
            }
        }

        return new AptStateStamp(files.ToString());
    }

    // A directory's own time changes when an entry is added, removed or renamed into place (apt and dpkg replace
    // files by rename), which also catches a file replaced by one of the same size and time.
    private static void Append(StringBuilder files, FileSystemInfo entry) =>
        files.Append(entry.FullName)
            .Append(' ').Append(entry.LastWriteTimeUtc.Ticks)
            .Append(' ').Append(entry is FileInfo file ? file.Length : -1)
            .Append('\n');
}
