// A unit cgroup's memory.stat: the numbers systemd's D-Bus properties do not carry but the kubelet's memory stats are
// made of. The working set, which `kubectl top` and evictions use, is usage minus the inactive file pages that the
// kernel can drop at once; MemoryCurrent alone counts page cache a container merely read.
//
// The file is read from the cgroup file system as the reader's mount namespace shows it. vks runs next to the systemd
// it asks, so systemd's ControlGroup paths are valid there. cgroup v2 has one hierarchy; cgroup v1 (and a hybrid
// setup) keeps memory.stat in the memory controller's own hierarchy, under other names.
using System.Globalization;

namespace Vks.Systemd.Manager;

/// <param name="InactiveFile">File pages on the inactive list: the part of the usage the kernel reclaims first.</param>
/// <param name="Rss">Anonymous memory (v2 anon, v1 total_rss).</param>
/// <param name="PageFaults">Page faults (pgfault), cumulative.</param>
/// <param name="MajorPageFaults">Major page faults (pgmajfault), cumulative.</param>
public sealed record CgroupMemoryStat(ulong InactiveFile, ulong? Rss, ulong? PageFaults, ulong? MajorPageFaults);

public sealed class CgroupMemoryStatReader(string cgroupRoot = "/sys/fs/cgroup")
{
    private readonly string _cgroupRoot = cgroupRoot ?? throw new ArgumentNullException(nameof(cgroupRoot));

    /// <summary>The memory.stat of <paramref name="controlGroup"/> (a unit's ControlGroup); null when there is none: the
    /// cgroup is gone, or the memory controller is not available for it.</summary>
    public async Task<CgroupMemoryStat?> ReadAsync(string controlGroup, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(controlGroup);
        if (!IsSafeCgroupPath(controlGroup))
        {
            throw new ArgumentException($"'{controlGroup}' is not a cgroup path.", nameof(controlGroup));
        }

        // cgroup.controllers exists only at the root of a cgroup v2 hierarchy mounted here.
        bool unified = File.Exists(Path.Combine(_cgroupRoot, "cgroup.controllers"));
        string directory = unified ? _cgroupRoot : Path.Combine(_cgroupRoot, "memory");
        string file = directory + controlGroup.TrimEnd('/') + "/memory.stat";
        string text;
        try
        {
            text = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        return Parse(text, unified);
    }

    /// <summary>Parses memory.stat ("key value" lines). v1's total_* fields include the cgroup's children, as v2's
    /// fields always do. Null when the inactive file count is missing.</summary>
    public static CgroupMemoryStat? Parse(string text, bool unified)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && ulong.TryParse(line.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
            {
                values[line[..space]] = value;
            }
        }

        string inactiveFile = unified ? "inactive_file" : "total_inactive_file";
        if (!values.TryGetValue(inactiveFile, out ulong inactive))
        {
            return null;
        }

        return new CgroupMemoryStat(
            InactiveFile: inactive,
            Rss: Value(values, unified ? "anon" : "total_rss"),
            PageFaults: Value(values, unified ? "pgfault" : "total_pgfault"),
            MajorPageFaults: Value(values, unified ? "pgmajfault" : "total_pgmajfault"));
    }

    /// <summary>An absolute path of plain segments: no "." or "..", no empty segment, no NUL, so that appending it to
    /// the cgroup root cannot leave the cgroup file system.</summary>
    private static bool IsSafeCgroupPath(string path)
    {
        if (path.Length == 0 || path[0] != '/' || path.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        if (path == "/")
        {
            return true;
        }

        foreach (string segment in path.TrimEnd('/')[1..].Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                return false;
            }
        }

        return true;
    }

    private static ulong? Value(Dictionary<string, ulong> values, string key) => values.TryGetValue(key, out ulong value) ? value : null;
}
