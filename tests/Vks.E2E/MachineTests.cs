using Vks.E2E.Testbed;

namespace Vks.E2E;

[Collection(TestbedCollection.Name)]
public sealed class MachineTests(TestbedFixture fixture)
{
    private readonly Testbed.Testbed _testbed = fixture.Testbed;

    [Fact]
    public async Task Machine_boots_to_running()
    {
        var result = await _testbed.ExecAsync("systemctl", "is-system-running");

        Assert.Equal("running", result.Stdout.Trim());
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Unit_written_into_the_machine_starts_logs_and_stops()
    {
        var unit = $"vks-e2e-{Guid.NewGuid():N}.service";
        var marker = $"hello from {unit}";
        var unitPath = _testbed.MachinePath($"/run/systemd/system/{unit}");
        await File.WriteAllTextAsync(unitPath, $"""
            [Unit]
            Description=vks e2e smoke unit

            [Service]
            ExecStart=/bin/sh -c 'echo "{marker}"; exec sleep infinity'
            """);
        try
        {
            (await _testbed.ExecAsync("systemctl", "daemon-reload")).EnsureSuccess("daemon-reload");
            (await _testbed.ExecAsync("systemctl", "start", unit)).EnsureSuccess("start");
            Assert.Equal("active", (await _testbed.ExecAsync("systemctl", "is-active", unit)).Stdout.Trim());

            // journald indexes the line shortly after the unit wrote it.
            var journal = await Eventually.ReadUntilAsync(
                async () => (await _testbed.ExecAsync("journalctl", "--no-pager", "-o", "cat", "-u", unit)).Stdout,
                text => text.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
            Assert.Contains(marker, journal, StringComparison.Ordinal);

            (await _testbed.ExecAsync("systemctl", "stop", unit)).EnsureSuccess("stop");
            var stopped = await _testbed.ExecAsync("systemctl", "is-active", unit);
            Assert.Equal("inactive", stopped.Stdout.Trim());
            Assert.NotEqual(0, stopped.ExitCode);
        }
        finally
        {
            File.Delete(unitPath);
            await _testbed.ExecAsync("systemctl", "daemon-reload");
        }
    }
}
