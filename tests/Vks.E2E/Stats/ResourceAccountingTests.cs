// systemd's cgroup accounting in the testbed machine, which the kubelet stats are made of: a busy loop's
// CPUUsageNSec grows, its MemoryCurrent and TasksCurrent are set, and its cgroup's memory.stat (for the working set)
// is readable where systemd's ControlGroup says. This only holds because scripts/lib/machine.sh gives the machine
// writable cpuacct, memory and pids hierarchies of its own (docs/stats.md); with nspawn's read-only ones, every
// counter is "not set".
using Vks.E2E.Testbed;
using Vks.Systemd.DBus;
using Vks.Systemd.Manager;
using Vks.Systemd.Units;

namespace Vks.E2E.Stats;

[Collection(TestbedCollection.Name)]
public sealed class ResourceAccountingTests(TestbedFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly Testbed.Testbed _testbed = fixture.Testbed;
    private readonly string _unit = $"vks-e2e-stats-{Guid.NewGuid():N}.service";
    private DBusConnection _bus = null!;
    private SystemdManager _systemd = null!;
    private UnitFileStore _store = null!;
    private bool _written;

    public async Task InitializeAsync()
    {
        _bus = await DBusConnection.ConnectAsync(_testbed.SystemBusAddress);
        _systemd = await SystemdManager.StartAsync(_bus);
        _store = new UnitFileStore(_testbed.MachinePath("/run/systemd/system"));
    }

    public async Task DisposeAsync()
    {
        // The testbed is shared: leave no unit or file behind.
        if (_written)
        {
            SystemdJob stop = await _systemd.StopUnitAsync(_unit);
            await stop.Completion.WaitAsync(Patience);
            await _store.RemoveAsync(_unit);
            await _systemd.ReloadAsync();
        }

        await _systemd.DisposeAsync();
        await _bus.DisposeAsync();
    }

    [Fact]
    public async Task A_busy_loop_has_growing_cpu_usage_and_its_memory_set()
    {
        await _store.WriteAsync(_unit, new UnitFile(
        [
            new UnitSection("Unit", [UnitDirective.Plain("Description", "vks e2e busy loop for resource accounting")]),
            new UnitSection("Service",
            [
                // What vks renders into container units: on a cgroup v1/hybrid host systemd's DefaultCPUAccounting is off.
                UnitDirective.Plain("CPUAccounting", "yes"),
                UnitDirective.Plain("MemoryAccounting", "yes"),
                UnitDirective.Exec("ExecStart", new ExecCommand("/bin/sh", ["-c", "while :; do :; done"])),
            ]),
        ]));
        _written = true;
        await _systemd.ReloadAsync();
        Assert.Equal(JobResult.Done, (await (await _systemd.StartUnitAsync(_unit)).Completion.WaitAsync(Patience)).Result);
        var reader = new ServiceResourceReader(_systemd);

        ServiceResources? first = await reader.ReadAsync(_unit);
        Assert.NotNull(first);
        ulong firstCpu = Assert.NotNull(first.Usage.CpuUsageNSec);
        ServiceResources later = await Eventually.ReadUntilAsync(
            async () => (await reader.ReadAsync(_unit))!,
            resources => resources.Usage.CpuUsageNSec > firstCpu,
            Patience);

        Assert.True(later.Usage.CpuUsageNSec > firstCpu, $"CPUUsageNSec stayed at {firstCpu}");
        Assert.True(later.Usage.MemoryCurrent > 0, "MemoryCurrent is not set");
        Assert.True(later.Usage.TasksCurrent >= 1, "TasksCurrent is not set");
        Assert.Equal($"/system.slice/{_unit}", later.ControlGroup);
        Assert.NotNull(later.StartedAt);

        CgroupMemoryStat? memoryStat = await new CgroupMemoryStatReader(_testbed.MachinePath("/sys/fs/cgroup")).ReadAsync(later.ControlGroup!);
        Assert.NotNull(memoryStat);
    }

    [Fact]
    public async Task A_unit_that_is_not_loaded_has_no_reading()
    {
        Assert.Null(await new ServiceResourceReader(_systemd).ReadAsync($"vks-e2e-ghost-{Guid.NewGuid():N}.service"));
    }
}
