// The reader's wiring: a fake root with captured files gives exactly the parsed facts, and the real host gives
// facts that agree with what the kernel says directly.
using System.Runtime.Versioning;
using Vks.Node.Nodes;

namespace Vks.Node.Tests.Nodes;

[SupportedOSPlatform("linux")]
public sealed class HostFactsReaderTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("vks-host-");

    public void Dispose() => _root.Delete(recursive: true);

    private void Write(string path, string content)
    {
        var full = Path.Combine(_root.FullName, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    [Fact]
    public void Reads_every_fact_from_its_file()
    {
        Write("proc/meminfo", "MemTotal:       2048 kB\nMemAvailable:   1024 kB\n");
        Write("proc/net/route", "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\nvks-none0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n");
        Write("proc/sys/kernel/hostname", "Build-Host\n");
        Write("sys/devices/system/cpu/online", "0-5\n");
        Write("etc/machine-id", "0f6b2f4e52a84c4b9d6c3b7e1f0a9c11\n");
        Write("proc/sys/kernel/random/boot_id", "5b1c3f0e-8a2d-4c4e-9f3a-2e6d7c8b9a01\n");
        Write("proc/sys/kernel/osrelease", "6.1.0-18-amd64\n");
        Write("usr/lib/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n");
        Write("proc/loadavg", "0.00 0.01 0.05 3/456 789\n");
        Write("proc/sys/kernel/pid_max", "4194304\n");
        Directory.CreateDirectory(Path.Combine(_root.FullName, "var"));

        var reader = new HostFactsReader(_root.FullName);
        var facts = reader.ReadFacts();
        var usage = reader.ReadUsage();

        Assert.Equal("build-host", facts.Hostname);
        // No interface of that name exists on this host.
        Assert.Null(facts.DefaultRouteAddress);
        Assert.Equal(6, facts.CpuCount);
        Assert.Equal(2048 * 1024, facts.MemoryBytes);
        Assert.True(facts.EphemeralStorageBytes > 0);
        Assert.Equal("0f6b2f4e52a84c4b9d6c3b7e1f0a9c11", facts.MachineId);
        Assert.Equal("5b1c3f0e-8a2d-4c4e-9f3a-2e6d7c8b9a01", facts.BootId);
        Assert.Equal("6.1.0-18-amd64", facts.KernelVersion);
        Assert.Equal("Debian GNU/Linux 12 (bookworm)", facts.OsImage);
        Assert.Equal(1024 * 1024, usage.MemoryAvailableBytes);
        Assert.Equal(456, usage.RunningTasks);
        Assert.Equal(4194304, usage.PidMax);
        Assert.InRange(usage.VarAvailableBytes, 0, usage.VarTotalBytes);
        Assert.Equal(facts.EphemeralStorageBytes, usage.VarTotalBytes);
    }

    [Fact]
    public void Reads_the_real_host()
    {
        var reader = new HostFactsReader();
        var facts = reader.ReadFacts();
        var usage = reader.ReadUsage();

        Assert.Equal(File.ReadAllText("/proc/sys/kernel/hostname").Trim().ToLowerInvariant(), facts.Hostname);
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim(), facts.BootId);
        Assert.Equal(Environment.OSVersion.Version.Major, int.Parse(facts.KernelVersion.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(facts.CpuCount, 1, 4096);
        Assert.InRange(usage.MemoryAvailableBytes, 1, facts.MemoryBytes);
        Assert.InRange(usage.VarAvailableBytes, 0, usage.VarTotalBytes);
        Assert.InRange(usage.VarInodesFree, 0, usage.VarInodesTotal);
        Assert.InRange(usage.RunningTasks, 1, usage.PidMax);
        if (HostFactsParser.ParseDefaultRouteInterface(File.ReadAllText("/proc/net/route")) is not null)
        {
            Assert.True(System.Net.IPAddress.TryParse(facts.DefaultRouteAddress, out _), facts.DefaultRouteAddress);
        }
    }
}
