// The host-fact parsers on captured file contents (from Debian 12 hosts), plus the malformed content they refuse.
using System.Runtime.InteropServices;
using Vks.Node.Nodes;

namespace Vks.Node.Tests.Nodes;

public sealed class HostFactsParserTests
{
    private const string MemInfo = """
        MemTotal:       24684084 kB
        MemFree:        22597932 kB
        MemAvailable:   23108296 kB
        Buffers:            7844 kB
        Cached:           952224 kB
        HugePages_Total:       0
        Hugepagesize:       2048 kB
        """;

    // Tabs and the trailing blanks the kernel pads lines with, as captured.
    private const string Route =
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT                                                       \n" +
        "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0                                                                               \n" +
        "eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0                                                                               \n" +
        "docker0\t00000000\t00000000\t0000\t0\t0\t0\t00000000\t0\t0\t0                                                                               \n" +
        "eth0\t000200C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0                                                                               \n";

    [Fact]
    public void Reads_total_and_available_memory_in_bytes()
    {
        Assert.Equal((24684084L * 1024, 23108296L * 1024), HostFactsParser.ParseMemInfo(MemInfo));
    }

    [Theory]
    [InlineData("MemTotal: 1 kB\n", "MemAvailable")]
    [InlineData("MemAvailable: 1 kB\n", "MemTotal")]
    [InlineData("MemTotal: 1 MB\nMemAvailable: 1 kB\n", "Key: N kB")]
    [InlineData("MemTotal: -1 kB\nMemAvailable: 1 kB\n", "Key: N kB")]
    public void Refuses_meminfo_it_does_not_understand(string content, string messagePart) =>
        Assert.Contains(messagePart, Assert.Throws<FormatException>(() => HostFactsParser.ParseMemInfo(content)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("0-1\n", 2)]
    [InlineData("0\n", 1)]
    [InlineData("0-3,8-11\n", 8)]
    [InlineData("0,2,4-5", 4)]
    public void Counts_online_cpus(string list, int count) => Assert.Equal(count, HostFactsParser.CountCpus(list));

    [Theory]
    [InlineData("")]
    [InlineData("3-1")]
    [InlineData("a-b")]
    [InlineData("0,,1")]
    public void Refuses_malformed_cpu_lists(string list) => Assert.Throws<FormatException>(() => HostFactsParser.CountCpus(list));

    [Theory]
    [InlineData("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n", "Debian GNU/Linux 12 (bookworm)")]
    [InlineData("NAME=Fedora\nPRETTY_NAME='Fedora Linux 40'\n", "Fedora Linux 40")]
    [InlineData("PRETTY_NAME=Plain\r\n", "Plain")]
    [InlineData("PRETTY_NAME=\"Say \\\"hi\\\" for \\$5\"\n", "Say \"hi\" for $5")]
    [InlineData("NAME=NoPretty\n", null)]
    public void Reads_the_pretty_OS_name(string osRelease, string? expected) =>
        Assert.Equal(expected, HostFactsParser.ParseOsReleasePrettyName(osRelease));

    [Fact]
    public void Picks_the_default_route_with_the_lowest_metric_that_is_up()
    {
        Assert.Equal("eth0", HostFactsParser.ParseDefaultRouteInterface(Route));
    }

    [Fact]
    public void Has_no_default_route_interface_without_a_default_route()
    {
        var header = Route[..Route.IndexOf('\n', StringComparison.Ordinal)];
        Assert.Null(HostFactsParser.ParseDefaultRouteInterface(header + "\neth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"));
        Assert.Null(HostFactsParser.ParseDefaultRouteInterface(header + "\n"));
        Assert.Throws<FormatException>(() => HostFactsParser.ParseDefaultRouteInterface(header + "\neth0 garbage\n"));
    }

    [Fact]
    public void Reads_the_number_of_tasks_from_loadavg()
    {
        Assert.Equal(215, HostFactsParser.ParseRunningTasks("1.05 1.91 2.01 1/215 21583\n"));
        Assert.Throws<FormatException>(() => HostFactsParser.ParseRunningTasks("1.05 1.91 2.01\n"));
    }

    [Fact]
    public void Reads_ids_and_single_values()
    {
        Assert.Equal("0f6b2f4e52a84c4b9d6c3b7e1f0a9c11", HostFactsParser.ParseMachineId("0f6b2f4e52a84c4b9d6c3b7e1f0a9c11\n"));
        Assert.Throws<FormatException>(() => HostFactsParser.ParseMachineId("0F6B2F4E52A84C4B9D6C3B7E1F0A9C11\n"));
        Assert.Throws<FormatException>(() => HostFactsParser.ParseMachineId("uninitialized\n"));
        Assert.Equal("5b1c3f0e-8a2d-4c4e-9f3a-2e6d7c8b9a01", HostFactsParser.ParseBootId("5b1c3f0e-8a2d-4c4e-9f3a-2e6d7c8b9a01\n"));
        Assert.Throws<FormatException>(() => HostFactsParser.ParseBootId("not-a-uuid\n"));
        Assert.Equal("node-1", HostFactsParser.ParseHostname("Node-1\n"));
        Assert.Equal("6.1.0-18-amd64", HostFactsParser.ParseLine("6.1.0-18-amd64\n"));
        Assert.Equal(32768, HostFactsParser.ParseNumber("32768\n"));
        Assert.Throws<FormatException>(() => HostFactsParser.ParseNumber("-1\n"));
    }

    [Theory]
    [InlineData(Architecture.X64, "amd64")]
    [InlineData(Architecture.Arm64, "arm64")]
    [InlineData(Architecture.Arm, "arm")]
    [InlineData(Architecture.X86, "386")]
    [InlineData(Architecture.RiscV64, "riscv64")]
    public void Names_architectures_like_Kubernetes(Architecture architecture, string expected) =>
        Assert.Equal(expected, HostFactsParser.GoArchitecture(architecture));
}
