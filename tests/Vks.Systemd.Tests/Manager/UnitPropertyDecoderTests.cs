using Vks.Systemd.DBus;
using Vks.Systemd.Manager;

namespace Vks.Systemd.Tests.Manager;

public sealed class UnitPropertyDecoderTests
{
    [Fact]
    public void Decodes_the_state_of_a_killed_service()
    {
        UnitState state = UnitPropertyDecoder.DecodeState(SystemdProperties.Unit(), SystemdProperties.Service());

        Assert.Equal("probe.service", state.Id);
        Assert.Equal(UnitLoadState.Loaded, state.LoadState);
        Assert.Equal(UnitActiveState.Failed, state.ActiveState);
        Assert.Equal("failed", state.SubState);
        Assert.Equal(ServiceResult.Signal, state.Result);
        Assert.Equal(58u, state.ExecMainPid);
        Assert.Equal(ChildExitCode.Killed, state.ExecMainCode);
        Assert.Equal(9, state.ExecMainStatus);
        Assert.Equal(2u, state.NRestarts);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddTicks(1_795_469_126_632_179 * 10), state.ExecMainStartTimestamp);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddTicks(1_795_469_127_633_132 * 10), state.ExecMainExitTimestamp);
    }

    [Fact]
    public void The_invocation_id_formats_to_the_hex_journald_records()
    {
        UnitState state = UnitPropertyDecoder.DecodeState(SystemdProperties.Unit(), SystemdProperties.Service());

        Assert.Equal(SystemdProperties.InvocationIdHex, state.InvocationIdHex);
        Assert.Equal(SystemdProperties.InvocationIdHex, Convert.ToHexStringLower(SystemdProperties.InvocationIdBytes));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    public void An_unset_invocation_id_is_null(int zeroBytes)
    {
        Dictionary<string, Variant> unit = SystemdProperties.Unit();
        unit["InvocationID"] = Variant.FromBytes(new byte[zeroBytes]);

        UnitState state = UnitPropertyDecoder.DecodeState(unit, SystemdProperties.Service());

        Assert.Null(state.InvocationId);
        Assert.Null(state.InvocationIdHex);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(17)]
    public void An_invocation_id_of_another_length_is_refused(int length)
    {
        Dictionary<string, Variant> unit = SystemdProperties.Unit();
        unit["InvocationID"] = Variant.FromBytes(Enumerable.Repeat((byte)7, length).ToArray());

        FormatException error = Assert.Throws<FormatException>(() => UnitPropertyDecoder.DecodeState(unit, SystemdProperties.Service()));
        Assert.Contains("InvocationID", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(ulong.MaxValue)]
    public void A_timestamp_of_zero_or_infinity_is_null(ulong microseconds)
    {
        Dictionary<string, Variant> service = SystemdProperties.Service();
        service["ExecMainStartTimestamp"] = microseconds;
        service["ExecMainExitTimestamp"] = microseconds;

        UnitState state = UnitPropertyDecoder.DecodeState(SystemdProperties.Unit(), service);

        Assert.Null(state.ExecMainStartTimestamp);
        Assert.Null(state.ExecMainExitTimestamp);
    }

    [Fact]
    public void A_timestamp_beyond_the_year_9999_is_refused()
    {
        Dictionary<string, Variant> service = SystemdProperties.Service();
        service["ExecMainExitTimestamp"] = ulong.MaxValue - 1;

        Assert.Throws<FormatException>(() => UnitPropertyDecoder.DecodeState(SystemdProperties.Unit(), service));
    }

    [Fact]
    public void Resource_counters_at_uint64_max_are_not_available()
    {
        UnitResourceUsage usage = UnitPropertyDecoder.DecodeResourceUsage(SystemdProperties.Service());

        Assert.Equal(new UnitResourceUsage(MemoryCurrent: 1_409_024, CpuUsageNSec: 12_345_000, TasksCurrent: 2, IOReadBytes: null, IOWriteBytes: null), usage);
    }

    [Theory]
    [InlineData("ActiveState", "u")]
    [InlineData("SubState", "as")]
    [InlineData("InvocationID", "s")]
    [InlineData("LoadState", "o")]
    public void A_unit_property_of_the_wrong_type_is_refused_by_name(string name, string signature)
    {
        Dictionary<string, Variant> unit = SystemdProperties.Unit();
        unit[name] = signature switch
        {
            "u" => 1u,
            "as" => Variant.FromArray(new Signature("s"), "x"),
            "o" => new ObjectPath("/x"),
            _ => "x",
        };

        FormatException error = Assert.Throws<FormatException>(() => UnitPropertyDecoder.DecodeState(unit, SystemdProperties.Service()));
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Contains(signature, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ExecMainPID")]
    [InlineData("ExecMainCode")]
    [InlineData("ExecMainStatus")]
    [InlineData("NRestarts")]
    [InlineData("ExecMainStartTimestamp")]
    [InlineData("Result")]
    public void A_service_property_of_the_wrong_type_is_refused_by_name(string name)
    {
        Dictionary<string, Variant> service = SystemdProperties.Service();
        service[name] = -1L;

        FormatException error = Assert.Throws<FormatException>(() => UnitPropertyDecoder.DecodeState(SystemdProperties.Unit(), service));
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MemoryCurrent")]
    [InlineData("IOWriteBytes")]
    public void A_counter_of_the_wrong_type_is_refused_by_name(string name)
    {
        Dictionary<string, Variant> service = SystemdProperties.Service();
        service[name] = 5u;

        FormatException error = Assert.Throws<FormatException>(() => UnitPropertyDecoder.DecodeResourceUsage(service));
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_property_is_refused_by_name()
    {
        Dictionary<string, Variant> service = SystemdProperties.Service();
        service.Remove("ExecMainStatus");

        FormatException error = Assert.Throws<FormatException>(() => UnitPropertyDecoder.DecodeState(SystemdProperties.Unit(), service));
        Assert.Contains("ExecMainStatus", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_this_version_does_not_know_decode_as_unknown()
    {
        Dictionary<string, Variant> unit = SystemdProperties.Unit(activeState: "hibernating");
        unit["LoadState"] = "sideways";

        UnitState state = UnitPropertyDecoder.DecodeState(unit, SystemdProperties.Service(result: "bored"));

        Assert.Equal(UnitLoadState.Unknown, state.LoadState);
        Assert.Equal(UnitActiveState.Unknown, state.ActiveState);
        Assert.Equal(ServiceResult.Unknown, state.Result);
    }

    [Fact]
    public void An_exit_code_the_kernel_adds_later_is_kept_as_its_number()
    {
        Dictionary<string, Variant> service = SystemdProperties.Service();
        service["ExecMainCode"] = 42;

        Assert.Equal((ChildExitCode)42, UnitPropertyDecoder.DecodeState(SystemdProperties.Unit(), service).ExecMainCode);
    }

    [Theory]
    [InlineData("active", UnitActiveState.Active)]
    [InlineData("reloading", UnitActiveState.Reloading)]
    [InlineData("inactive", UnitActiveState.Inactive)]
    [InlineData("failed", UnitActiveState.Failed)]
    [InlineData("activating", UnitActiveState.Activating)]
    [InlineData("deactivating", UnitActiveState.Deactivating)]
    [InlineData("maintenance", UnitActiveState.Maintenance)]
    [InlineData("refreshing", UnitActiveState.Refreshing)]
    [InlineData("Active", UnitActiveState.Unknown)]
    public void Active_states_map_exactly(string text, UnitActiveState expected) =>
        Assert.Equal(expected, UnitPropertyDecoder.ParseActiveState(text));

    [Theory]
    [InlineData("success", ServiceResult.Success)]
    [InlineData("exit-code", ServiceResult.ExitCode)]
    [InlineData("signal", ServiceResult.Signal)]
    [InlineData("core-dump", ServiceResult.CoreDump)]
    [InlineData("oom-kill", ServiceResult.OomKill)]
    [InlineData("start-limit-hit", ServiceResult.StartLimitHit)]
    [InlineData("timeout", ServiceResult.Timeout)]
    [InlineData("", ServiceResult.Unknown)]
    public void Service_results_map_exactly(string text, ServiceResult expected) =>
        Assert.Equal(expected, UnitPropertyDecoder.ParseServiceResult(text));
}
