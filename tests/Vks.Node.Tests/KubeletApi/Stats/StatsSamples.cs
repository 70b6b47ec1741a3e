// Inputs the stats tests share: /proc files shaped like a Linux 6.x host's, and readings of a pod with two containers.
using Vks.Node.KubeletApi.Stats;
using Vks.Systemd.Manager;

namespace Vks.Node.Tests.KubeletApi.Stats;

internal static class StatsSamples
{
    public const string ProcStat = """
        cpu  100 2 30 900 7 4 5 6 0 0
        cpu0 50 1 15 450 3 2 2 3 0 0
        cpu1 50 1 15 450 4 2 3 3 0 0
        intr 12345 0 0
        ctxt 67890
        btime 1767225600
        processes 4242
        """;

    public const string ProcMeminfo = """
        MemTotal:           8000 kB
        MemFree:            3000 kB
        MemAvailable:       4500 kB
        Buffers:             100 kB
        Cached:             1500 kB
        Inactive(anon):      200 kB
        Inactive(file):     1000 kB
        AnonPages:          2500 kB
        HugePages_Total:       0
        """;

    public const string ProcVmstat = """
        nr_free_pages 750
        pgfault 123456
        pgmajfault 78
        """;

    public static readonly DateTimeOffset Now = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    public static NodeReading Node(DateTimeOffset time, ulong cpuNanoseconds = 1_470_000_000) => new(
        time,
        new HostCpu(cpuNanoseconds, DateTimeOffset.FromUnixTimeSeconds(1_767_225_600)),
        HostResourceReader.ParseMemory(ProcMeminfo, ProcVmstat));

    public static ContainerReading Container(string name, DateTimeOffset time, ulong? cpu, ulong? memory, CgroupMemoryStat? stat) => new(
        name,
        $"vks.default.web.{name}.service",
        time,
        new ServiceResources(new UnitResourceUsage(memory, cpu, TasksCurrent: 1, IOReadBytes: null, IOWriteBytes: null), $"/system.slice/vks.default.web.{name}.service", Now.AddMinutes(-10)),
        stat);
}
