// A process inside the testbed machine, read through the machine's own /proc (the host reaches it as
// /proc/LEADER_PID/root/proc). CPU comes from /proc/PID/stat because the testbed's systemd has no CPU accounting
// on the host's cgroup v1 hierarchy (vks.service's CPUUsageNSec is "[not set]").
using System.Globalization;
using Vks.Bench.Testbed;

namespace Vks.Bench.NodeAgent;

internal sealed class MachineProcess(BenchTestbed machine, string label, uint pid)
{
    private const double ClockTicksPerSecond = 100; // USER_HZ; `getconf CLK_TCK` is 100 on Linux

    public string Label { get; } = label;

    public uint Pid { get; } = pid;

    /// <summary>utime + stime in seconds.</summary>
    public double CpuSeconds()
    {
        string stat = File.ReadAllText(machine.MachinePath($"/proc/{Pid}/stat"));
        // The command name (field 2) is in parentheses and may hold spaces; utime and stime are fields 14 and 15.
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
    }

    /// <summary>VmRSS with its parts and the peak, in MB, from /proc/PID/status.</summary>
    public string Memory()
    {
        Dictionary<string, string> status = File.ReadLines(machine.MachinePath($"/proc/{Pid}/status"))
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1].Trim(), StringComparer.Ordinal);
        string Megabytes(string name) => string.Create(CultureInfo.InvariantCulture, $"{name} {long.Parse(status[name].Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0:F1} MB");
        return string.Join(", ", new[] { "VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM" }.Select(Megabytes));
    }
}
