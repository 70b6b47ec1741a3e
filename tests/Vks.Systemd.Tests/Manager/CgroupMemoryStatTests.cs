// memory.stat of cgroup v1 and v2, found below a cgroup root the test builds, and ControlGroup paths that try to
// leave the cgroup file system.
using Vks.Systemd.Manager;

namespace Vks.Systemd.Tests.Manager;

public sealed class CgroupMemoryStatTests : IDisposable
{
    private const string V1Stat = "cache 4096\nrss 8192\ninactive_file 1\npgfault 7\npgmajfault 0\ntotal_cache 4096\ntotal_rss 8192\ntotal_inactive_file 2048\ntotal_pgfault 70\ntotal_pgmajfault 3\n";
    private const string V2Stat = "anon 8192\nfile 4096\ninactive_file 1024\nactive_file 3072\npgfault 90\npgmajfault 4\n";
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("vks-cgroup-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void Parses_v1_from_the_hierarchical_totals()
    {
        Assert.Equal(new CgroupMemoryStat(InactiveFile: 2048, Rss: 8192, PageFaults: 70, MajorPageFaults: 3), CgroupMemoryStatReader.Parse(V1Stat, unified: false));
    }

    [Fact]
    public void Parses_v2()
    {
        Assert.Equal(new CgroupMemoryStat(InactiveFile: 1024, Rss: 8192, PageFaults: 90, MajorPageFaults: 4), CgroupMemoryStatReader.Parse(V2Stat, unified: true));
    }

    [Fact]
    public void Without_the_inactive_file_count_there_is_no_stat()
    {
        Assert.Null(CgroupMemoryStatReader.Parse("anon 1\n", unified: true));
        Assert.Null(CgroupMemoryStatReader.Parse(V2Stat, unified: false));
    }

    [Fact]
    public async Task Reads_v1_from_the_memory_hierarchy()
    {
        Write("memory/system.slice/a.service/memory.stat", V1Stat);

        CgroupMemoryStat? stat = await new CgroupMemoryStatReader(_root.FullName).ReadAsync("/system.slice/a.service");

        Assert.Equal(2048UL, stat?.InactiveFile);
    }

    [Fact]
    public async Task Reads_v2_when_the_root_is_a_unified_hierarchy()
    {
        Write("cgroup.controllers", "cpu memory pids\n");
        Write("system.slice/a.service/memory.stat", V2Stat);

        CgroupMemoryStat? stat = await new CgroupMemoryStatReader(_root.FullName).ReadAsync("/system.slice/a.service");

        Assert.Equal(1024UL, stat?.InactiveFile);
    }

    [Fact]
    public async Task A_cgroup_that_is_gone_has_no_stat()
    {
        Assert.Null(await new CgroupMemoryStatReader(_root.FullName).ReadAsync("/system.slice/gone.service"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("system.slice/a.service")]
    [InlineData("/system.slice/../../../etc")]
    [InlineData("/..")]
    [InlineData("/./x")]
    [InlineData("//etc")]
    [InlineData("/a\0b")]
    public async Task Paths_that_are_not_plain_cgroup_paths_are_refused(string controlGroup)
    {
        Write("memory/etc/memory.stat", V1Stat);

        await Assert.ThrowsAsync<ArgumentException>(() => new CgroupMemoryStatReader(_root.FullName).ReadAsync(controlGroup));
    }

    private void Write(string relativePath, string text)
    {
        string path = Path.Combine(_root.FullName, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
