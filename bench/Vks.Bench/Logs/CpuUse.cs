// CPU time of the processes a log read goes through, from /proc/PID/stat (the testbed's systemd has no CPU accounting
// on the host's cgroup v1 hierarchy). A process's "children" time counts the children it has reaped: vks reaps the
// journalctl it ran for a request, so vks's children time is that journalctl's CPU, and the benchmark's own children
// time is that of kubectl, nsenter or journalctl it started. Resolution is one clock tick, 10 ms.
using System.Globalization;

namespace Vks.Bench.Logs;

/// <param name="Vks">vks itself.</param>
/// <param name="VksChildren">The journalctl processes vks ran and reaped.</param>
/// <param name="ApiServer">kube-apiserver.</param>
/// <param name="Bench">This benchmark process (the in-process reader and the HTTP clients).</param>
/// <param name="BenchChildren">kubectl, nsenter or journalctl started by the benchmark.</param>
internal sealed record CpuUse(double Vks, double VksChildren, double ApiServer, double Bench, double BenchChildren)
{
    public static CpuUse operator -(CpuUse after, CpuUse before) => new(
        after.Vks - before.Vks,
        after.VksChildren - before.VksChildren,
        after.ApiServer - before.ApiServer,
        after.Bench - before.Bench,
        after.BenchChildren - before.BenchChildren);
}

/// <summary>Reads <see cref="CpuUse"/> for vks (through the machine's /proc), the API server and this process.</summary>
internal sealed class CpuClock(string vksStatPath, string apiServerStatPath)
{
    private const double ClockTicksPerSecond = 100; // USER_HZ; `getconf CLK_TCK` is 100 on Linux

    public CpuUse Now()
    {
        (double vks, double vksChildren) = Read(vksStatPath);
        (double apiServer, _) = Read(apiServerStatPath);
        (double bench, double benchChildren) = Read("/proc/self/stat");
        return new CpuUse(vks, vksChildren, apiServer, bench, benchChildren);
    }

    // utime and stime are fields 14 and 15, cutime and cstime 16 and 17; the command name (field 2) is in
    // parentheses and may hold spaces, so fields are counted after its closing parenthesis.
    private static (double Self, double Children) Read(string statPath)
    {
        string stat = File.ReadAllText(statPath);
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return ((Field(14) + Field(15)) / ClockTicksPerSecond, (Field(16) + Field(17)) / ClockTicksPerSecond);
    }
}
