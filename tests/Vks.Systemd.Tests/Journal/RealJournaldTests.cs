// The sink against a real systemd-journald (see PrivateJournald): journald must accept the datagrams, the
// binary-safe fields and the sealed memfd, and journalctl must print back what was logged.
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using Serilog;
using Vks.Systemd.Journal;

namespace Vks.Systemd.Tests.Journal;

[SupportedOSPlatform("linux")]
public sealed class RealJournaldTests
{
    // How long journald may take to store the entries; a ceiling for slow machines, not a measurement.
    private static readonly TimeSpan StoreDeadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Journald_stores_what_the_sink_sends_including_multi_line_and_memfd_entries()
    {
        await using var journald = await PrivateJournald.StartAsync();
        var identifier = "vks-test-" + Guid.NewGuid().ToString("N");
        var wmemMax = int.Parse(File.ReadAllText("/proc/sys/net/core/wmem_max").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var big = new string('b', (2 * wmemMax) + 1024);

        using (var logger = new LoggerConfiguration().WriteTo.Journald(identifier, journald.SocketPath).CreateLogger())
        {
            logger.Warning("Pod {Pod:l} says {Text:l}", "default/web", "line one\nline two");
            logger.Information("{Big:l}", big);
        }

        var entries = await WaitForEntriesAsync(journald.JournalDirectory, identifier, count: 2);

        Assert.Equal("Pod default/web says line one\nline two", entries[0].GetProperty("MESSAGE").GetString());
        Assert.Equal("4", entries[0].GetProperty("PRIORITY").GetString());
        Assert.Equal("default/web", entries[0].GetProperty("POD").GetString());
        Assert.Equal("line one\nline two", entries[0].GetProperty("TEXT").GetString());
        Assert.Equal(big, entries[1].GetProperty("MESSAGE").GetString());
        Assert.Equal(big, entries[1].GetProperty("BIG").GetString());
    }

    private static async Task<List<JsonElement>> WaitForEntriesAsync(string directory, string identifier, int count)
    {
        var deadline = DateTime.UtcNow + StoreDeadline;
        while (true)
        {
            var result = await SystemTool.RunAsync("journalctl", ["--directory=" + directory, "--output=json", "--all", "--no-pager", "--", "SYSLOG_IDENTIFIER=" + identifier]);
            Assert.Equal(0, result.ExitCode);
            var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (lines.Length >= count || DateTime.UtcNow > deadline)
            {
                Assert.Equal(count, lines.Length);
                return lines.Select(l => JsonDocument.Parse(Encoding.UTF8.GetBytes(l)).RootElement.Clone()).ToList();
            }

            await Task.Delay(50);
        }
    }
}
