namespace Vks.E2E.Testbed;

/// <summary>What a testbed leaves on the host: mounts, processes and files under its state dir.</summary>
public static class HostTraces
{
    public static IReadOnlyList<string> Of(string stateDir)
    {
        var traces = new List<string>();
        foreach (var line in File.ReadAllLines("/proc/self/mountinfo"))
        {
            // Field 5 is the mount point; field 9+ (after " - ") the type and source.
            var fields = line.Split(' ');
            var mountPoint = UnescapeMountInfo(fields[4]);
            if (IsUnder(mountPoint, stateDir) || line.Contains($"vks-testbed-{Path.GetFileName(stateDir)} ", StringComparison.Ordinal))
            {
                traces.Add($"mount: {line}");
            }
        }

        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            try
            {
                var root = new FileInfo(Path.Combine(proc, "root")).LinkTarget;
                var cmdline = File.ReadAllText(Path.Combine(proc, "cmdline")).Replace('\0', ' ');
                if ((root is not null && IsUnder(root, stateDir)) || cmdline.Contains(stateDir + "/", StringComparison.Ordinal))
                {
                    traces.Add($"process {pid}: {cmdline}");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked at it.
            }
        }

        if (Directory.Exists(stateDir))
        {
            traces.Add($"directory: {stateDir}");
        }
        return traces;
    }

    private static bool IsUnder(string path, string dir) =>
        path == dir || path.StartsWith(dir + "/", StringComparison.Ordinal);

    private static string UnescapeMountInfo(string field) =>
        System.Text.RegularExpressions.Regex.Replace(field, @"\\([0-7]{3})",
            m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString());
}
