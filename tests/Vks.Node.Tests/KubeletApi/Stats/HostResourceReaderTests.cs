using Vks.Node.KubeletApi.Stats;

namespace Vks.Node.Tests.KubeletApi.Stats;

public sealed class HostResourceReaderTests
{
    [Fact]
    public void Cpu_usage_is_every_state_but_idle_and_iowait_in_nanoseconds()
    {
        HostCpu cpu = HostResourceReader.ParseStat(StatsSamples.ProcStat);

        // user 100 + nice 2 + system 30 + irq 4 + softirq 5 + steal 6 = 147 ticks of 10 ms.
        Assert.Equal(1_470_000_000UL, cpu.CpuUsageNanoseconds);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_767_225_600), cpu.BootTime);
    }

    [Fact]
    public void Memory_comes_in_bytes_and_page_faults_from_vmstat()
    {
        HostMemory memory = HostResourceReader.ParseMemory(StatsSamples.ProcMeminfo, StatsSamples.ProcVmstat);

        Assert.Equal(new HostMemory(Total: 8_000 * 1024UL, Free: 3_000 * 1024UL, InactiveFile: 1_000 * 1024UL, Anon: 2_500 * 1024UL, PageFaults: 123_456, MajorPageFaults: 78), memory);
    }

    [Theory]
    [InlineData("intr 1 2 3\nbtime 1767225600\n")]
    [InlineData("cpu  100 2 30 900 7 4 5 6 0 0\n")]
    [InlineData("cpu  100 2 x 900 7 4 5 6 0 0\nbtime 1767225600\n")]
    public void A_stat_without_the_cpu_or_btime_line_or_with_garbage_is_refused(string stat)
    {
        Assert.Throws<FormatException>(() => HostResourceReader.ParseStat(stat));
    }

    [Fact]
    public void Meminfo_without_the_numbers_the_working_set_needs_is_refused()
    {
        Assert.Throws<FormatException>(() => HostResourceReader.ParseMemory("MemTotal: 8000 kB\nMemFree: 3000 kB\n", ""));
    }

    [Fact]
    public async Task Reads_the_files_below_the_proc_root()
    {
        using var proc = new TemporaryDirectory();
        await File.WriteAllTextAsync(Path.Combine(proc.Path, "stat"), StatsSamples.ProcStat);
        await File.WriteAllTextAsync(Path.Combine(proc.Path, "meminfo"), StatsSamples.ProcMeminfo);
        await File.WriteAllTextAsync(Path.Combine(proc.Path, "vmstat"), StatsSamples.ProcVmstat);
        var reader = new HostResourceReader(proc.Path);

        Assert.Equal(1_470_000_000UL, (await reader.ReadCpuAsync(CancellationToken.None)).CpuUsageNanoseconds);
        Assert.Equal(1_000 * 1024UL, (await reader.ReadMemoryAsync(CancellationToken.None)).InactiveFile);
    }

    [Fact]
    public async Task The_real_proc_parses()
    {
        var reader = new HostResourceReader();

        HostCpu cpu = await reader.ReadCpuAsync(CancellationToken.None);
        HostMemory memory = await reader.ReadMemoryAsync(CancellationToken.None);

        Assert.True(cpu.CpuUsageNanoseconds > 0);
        Assert.True(cpu.BootTime < DateTimeOffset.UtcNow);
        Assert.True(memory.Total > memory.Free);
    }
}
