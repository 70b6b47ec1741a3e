// The node's own numbers, from the kernel's accounting of the whole machine (/proc), as systemd reports them for the
// host's root cgroup: CPU from /proc/stat, memory from /proc/meminfo, page faults from /proc/vmstat. The kubelet
// reads its root cgroup instead; on a cgroup v1 host that is not always mounted where vks could find it, and /proc
// holds the same totals. In the testbed vks runs inside the machine, whose /proc shows the host kernel's totals: the
// node is the computer, not the container.
using System.Globalization;

namespace Vks.Node.KubeletApi.Stats;

/// <param name="CpuUsageNanoseconds">CPU time spent on all cores, not idle and not waiting for I/O.</param>
/// <param name="BootTime">When the kernel booted (btime).</param>
internal sealed record HostCpu(ulong CpuUsageNanoseconds, DateTimeOffset BootTime);

/// <param name="Total">MemTotal.</param>
/// <param name="Free">MemFree: memory not used at all, page cache excluded.</param>
/// <param name="InactiveFile">Inactive(file): page cache the kernel reclaims first.</param>
/// <param name="Anon">AnonPages.</param>
internal sealed record HostMemory(ulong Total, ulong Free, ulong InactiveFile, ulong? Anon, ulong? PageFaults, ulong? MajorPageFaults);

internal sealed class HostResourceReader(string procRoot = "/proc")
{
    // USER_HZ, the unit of /proc/stat: fixed at 100 by the kernel's user-space ABI on the architectures vks runs on.
    private const ulong NanosecondsPerTick = 10_000_000;

    public async Task<HostCpu> ReadCpuAsync(CancellationToken cancellationToken) =>
        ParseStat(await File.ReadAllTextAsync(Path.Combine(procRoot, "stat"), cancellationToken).ConfigureAwait(false));

    public async Task<HostMemory> ReadMemoryAsync(CancellationToken cancellationToken)
    {
        string meminfo = await File.ReadAllTextAsync(Path.Combine(procRoot, "meminfo"), cancellationToken).ConfigureAwait(false);
        string vmstat = await File.ReadAllTextAsync(Path.Combine(procRoot, "vmstat"), cancellationToken).ConfigureAwait(false);
        return ParseMemory(meminfo, vmstat);
    }

    /// <summary>The first line ("cpu user nice system idle iowait irq softirq steal ...") summed like systemd's
    /// procfs_cpu_get_usage: everything but idle and iowait. Guest time is already inside user and nice.</summary>
    public static HostCpu ParseStat(string stat)
    {
        ArgumentNullException.ThrowIfNull(stat);
        ulong? usage = null;
        DateTimeOffset? boot = null;
        foreach (string line in stat.Split('\n'))
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 9 && fields[0] == "cpu")
            {
                // user nice system [idle iowait] irq softirq steal
                usage = (Number(fields[1]) + Number(fields[2]) + Number(fields[3]) + Number(fields[6]) + Number(fields[7]) + Number(fields[8])) * NanosecondsPerTick;
            }
            else if (fields.Length == 2 && fields[0] == "btime")
            {
                boot = DateTimeOffset.FromUnixTimeSeconds((long)Number(fields[1]));
            }
        }

        return new HostCpu(
            usage ?? throw new FormatException("/proc/stat has no cpu line."),
            boot ?? throw new FormatException("/proc/stat has no btime line."));
    }

    /// <summary>/proc/meminfo ("Key:   value kB") and /proc/vmstat ("key value").</summary>
    public static HostMemory ParseMemory(string meminfo, string vmstat)
    {
        ArgumentNullException.ThrowIfNull(meminfo);
        ArgumentNullException.ThrowIfNull(vmstat);
        var kib = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (string line in meminfo.Split('\n'))
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 2 && fields[0].EndsWith(':') && ulong.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
            {
                kib[fields[0][..^1]] = value;
            }
        }

        var counts = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (string line in vmstat.Split('\n'))
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 2 && ulong.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
            {
                counts[fields[0]] = value;
            }
        }

        return new HostMemory(
            Total: Bytes(kib, "MemTotal") ?? throw new FormatException("/proc/meminfo has no MemTotal."),
            Free: Bytes(kib, "MemFree") ?? throw new FormatException("/proc/meminfo has no MemFree."),
            InactiveFile: Bytes(kib, "Inactive(file)") ?? throw new FormatException("/proc/meminfo has no Inactive(file)."),
            Anon: Bytes(kib, "AnonPages"),
            PageFaults: counts.TryGetValue("pgfault", out ulong faults) ? faults : null,
            MajorPageFaults: counts.TryGetValue("pgmajfault", out ulong major) ? major : null);
    }

    private static ulong? Bytes(Dictionary<string, ulong> kib, string key) => kib.TryGetValue(key, out ulong value) ? value * 1024 : null;

    private static ulong Number(string text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value) ? value : throw new FormatException($"'{text}' in /proc/stat is not a number.");
}
