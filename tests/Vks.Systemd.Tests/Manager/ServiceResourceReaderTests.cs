// ServiceResourceReader against a fake systemd on a private dbus-daemon: the counters, cgroup and start time of one
// GetAll, systemd's UINT64_MAX "not set" as null, and no reading (and no loading) of a unit systemd does not have.
using Vks.Systemd.DBus;
using Vks.Systemd.Manager;
using Vks.Systemd.Tests.DBus;

namespace Vks.Systemd.Tests.Manager;

public sealed class ServiceResourceReaderTests(PrivateBusFixture fixture) : IClassFixture<PrivateBusFixture>
{
    private const string Busy = "vks.default.busy.loop.service";

    private PrivateBus Bus => fixture.Bus;

    [Fact]
    public async Task Reads_the_counters_the_cgroup_and_the_start_of_the_run()
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        FakeUnit unit = systemd.AddService(Busy, "active", "running");
        FakeSystemd.ChangeSilently(unit, SystemdBus.ServiceInterface, "ControlGroup", "/system.slice/" + Busy);
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);

        ServiceResources? resources = await new ServiceResourceReader(manager).ReadAsync(Busy);

        Assert.NotNull(resources);
        Assert.Equal(new UnitResourceUsage(MemoryCurrent: 1_409_024, CpuUsageNSec: 12_345_000, TasksCurrent: 2, IOReadBytes: null, IOWriteBytes: null), resources.Usage);
        Assert.Equal("/system.slice/" + Busy, resources.ControlGroup);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddTicks((long)SystemdProperties.StartMicroseconds * 10), resources.StartedAt);
    }

    [Fact]
    public async Task Counters_systemd_does_not_have_are_null_and_an_empty_cgroup_is_none()
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        FakeUnit unit = systemd.AddService(Busy);
        FakeSystemd.ChangeSilently(unit, SystemdBus.ServiceInterface, "ControlGroup", "");
        FakeSystemd.ChangeSilently(unit, SystemdBus.ServiceInterface, "CPUUsageNSec", ulong.MaxValue);
        FakeSystemd.ChangeSilently(unit, SystemdBus.ServiceInterface, "MemoryCurrent", ulong.MaxValue);
        FakeSystemd.ChangeSilently(unit, SystemdBus.ServiceInterface, "TasksCurrent", ulong.MaxValue);
        FakeSystemd.ChangeSilently(unit, SystemdBus.ServiceInterface, "ExecMainStartTimestamp", 0UL);
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);

        ServiceResources? resources = await new ServiceResourceReader(manager).ReadAsync(Busy);

        Assert.Equal(new ServiceResources(new UnitResourceUsage(null, null, null, null, null), ControlGroup: null, StartedAt: null), resources);
    }

    [Fact]
    public async Task A_unit_systemd_does_not_have_is_null_and_is_not_loaded()
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);

        Assert.Null(await new ServiceResourceReader(manager).ReadAsync("gone.service"));
        Assert.Equal(0, systemd.CountCalls("LoadUnit"));
    }

    [Theory]
    [InlineData("dbus.socket")]
    [InlineData("../etc/passwd.service")]
    [InlineData("")]
    public async Task Only_valid_service_names_are_read(string name)
    {
        await using FakeSystemd systemd = await FakeSystemd.StartAsync(Bus);
        await using DBusConnection connection = await Bus.ConnectAsync();
        await using SystemdManager manager = await SystemdManager.StartAsync(connection);

        await Assert.ThrowsAsync<ArgumentException>(() => new ServiceResourceReader(manager).ReadAsync(name));
        Assert.Equal(0, systemd.CountCalls("GetUnit"));
    }

    [Fact]
    public void A_counter_of_another_type_is_refused_rather_than_misread()
    {
        Dictionary<string, Variant> service = SystemdProperties.Service();
        service["ControlGroup"] = "/system.slice/x.service";
        service["CPUUsageNSec"] = 5u;

        FormatException error = Assert.Throws<FormatException>(() => UnitPropertyDecoder.DecodeServiceResources(service));
        Assert.Contains("CPUUsageNSec", error.Message, StringComparison.Ordinal);
    }
}
