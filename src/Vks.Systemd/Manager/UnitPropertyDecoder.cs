// Turns systemd's property values (a{sv} from GetAll and PropertiesChanged) into UnitState, UnitResourceUsage and
// ServiceResources.
// Every value is checked for the D-Bus type systemd documents: a property with another type, or a missing one, is
// a FormatException naming it, never a silently wrong number.
using Vks.Systemd.DBus;

namespace Vks.Systemd.Manager;

internal static class UnitPropertyDecoder
{
    /// <summary>systemd's "not available" for counters and "infinity" for times (UINT64_MAX).</summary>
    private const ulong NotAvailable = ulong.MaxValue;

    private static readonly ulong MaxTimestampMicroseconds = (ulong)((DateTimeOffset.MaxValue - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond);

    /// <summary>The properties <see cref="DecodeState"/> reads, by interface; the rest of a GetAll is not kept.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> StateProperties { get; } = new Dictionary<string, IReadOnlySet<string>>
    {
        [SystemdBus.UnitInterface] = new HashSet<string>(StringComparer.Ordinal) { "Id", "LoadState", "ActiveState", "SubState", "InvocationID" },
        [SystemdBus.ServiceInterface] = new HashSet<string>(StringComparer.Ordinal)
        {
            "Result", "ExecMainPID", "ExecMainCode", "ExecMainStatus", "ExecMainStartTimestamp", "ExecMainExitTimestamp", "NRestarts",
        },
    };

    public static bool IsStateProperty(string @interface, string name) =>
        StateProperties.TryGetValue(@interface, out IReadOnlySet<string>? names) && names.Contains(name);

    /// <summary>A unit's state from the properties of its Unit and Service interfaces.</summary>
    public static UnitState DecodeState(IReadOnlyDictionary<string, Variant> unit, IReadOnlyDictionary<string, Variant> service)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(service);
        return new UnitState(
            Id: String(unit, "Id"),
            LoadState: ParseLoadState(String(unit, "LoadState")),
            ActiveState: ParseActiveState(String(unit, "ActiveState")),
            SubState: String(unit, "SubState"),
            InvocationId: InvocationId(unit, "InvocationID"),
            Result: ParseServiceResult(String(service, "Result")),
            ExecMainPid: Get(service, "ExecMainPID", "u").GetUInt32(),
            ExecMainCode: (ChildExitCode)Get(service, "ExecMainCode", "i").GetInt32(),
            ExecMainStatus: Get(service, "ExecMainStatus", "i").GetInt32(),
            ExecMainStartTimestamp: Timestamp(service, "ExecMainStartTimestamp"),
            ExecMainExitTimestamp: Timestamp(service, "ExecMainExitTimestamp"),
            NRestarts: Get(service, "NRestarts", "u").GetUInt32());
    }

    /// <summary>A service's cgroup counters from the properties of its Service interface.</summary>
    public static UnitResourceUsage DecodeResourceUsage(IReadOnlyDictionary<string, Variant> service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return new UnitResourceUsage(
            MemoryCurrent: Counter(service, "MemoryCurrent"),
            CpuUsageNSec: Counter(service, "CPUUsageNSec"),
            TasksCurrent: Counter(service, "TasksCurrent"),
            IOReadBytes: Counter(service, "IOReadBytes"),
            IOWriteBytes: Counter(service, "IOWriteBytes"));
    }

    /// <summary>A service's counters, its cgroup and the start of its current run, from the properties of its Service
    /// interface: what a stats reading needs, in one GetAll.</summary>
    public static ServiceResources DecodeServiceResources(IReadOnlyDictionary<string, Variant> service)
    {
        ArgumentNullException.ThrowIfNull(service);
        string controlGroup = String(service, "ControlGroup");
        return new ServiceResources(
            Usage: DecodeResourceUsage(service),
            ControlGroup: controlGroup.Length == 0 ? null : controlGroup,
            StartedAt: Timestamp(service, "ExecMainStartTimestamp"));
    }

    public static UnitLoadState ParseLoadState(string text) => text switch
    {
        "stub" => UnitLoadState.Stub,
        "loaded" => UnitLoadState.Loaded,
        "not-found" => UnitLoadState.NotFound,
        "bad-setting" => UnitLoadState.BadSetting,
        "error" => UnitLoadState.Error,
        "merged" => UnitLoadState.Merged,
        "masked" => UnitLoadState.Masked,
        _ => UnitLoadState.Unknown,
    };

    public static UnitActiveState ParseActiveState(string text) => text switch
    {
        "active" => UnitActiveState.Active,
        "reloading" => UnitActiveState.Reloading,
        "inactive" => UnitActiveState.Inactive,
        "failed" => UnitActiveState.Failed,
        "activating" => UnitActiveState.Activating,
        "deactivating" => UnitActiveState.Deactivating,
        "maintenance" => UnitActiveState.Maintenance,
        "refreshing" => UnitActiveState.Refreshing,
        _ => UnitActiveState.Unknown,
    };

    public static ServiceResult ParseServiceResult(string text) => text switch
    {
        "success" => ServiceResult.Success,
        "protocol" => ServiceResult.Protocol,
        "timeout" => ServiceResult.Timeout,
        "exit-code" => ServiceResult.ExitCode,
        "signal" => ServiceResult.Signal,
        "core-dump" => ServiceResult.CoreDump,
        "watchdog" => ServiceResult.Watchdog,
        "start-limit-hit" => ServiceResult.StartLimitHit,
        "resources" => ServiceResult.Resources,
        "oom-kill" => ServiceResult.OomKill,
        "skip-condition" => ServiceResult.SkipCondition,
        _ => ServiceResult.Unknown,
    };

    /// <summary>systemd sends an ID128 as "ay": empty when unset, otherwise its 16 bytes in order. Read big-endian, the
    /// Guid formats ("N") to the same hex digits journald shows.</summary>
    private static Guid? InvocationId(IReadOnlyDictionary<string, Variant> properties, string name)
    {
        ReadOnlySpan<byte> bytes = Get(properties, name, "ay").GetBytes().Span;
        if (bytes.IsEmpty)
        {
            return null;
        }

        if (bytes.Length != 16)
        {
            throw new FormatException($"systemd sent {name} with {bytes.Length} bytes; an ID128 has 16.");
        }

        var id = new Guid(bytes, bigEndian: true);
        return id == Guid.Empty ? null : id;
    }

    /// <summary>Microseconds since the epoch; 0 means "never" and UINT64_MAX "infinity", both null here.</summary>
    private static DateTimeOffset? Timestamp(IReadOnlyDictionary<string, Variant> properties, string name)
    {
        ulong microseconds = Get(properties, name, "t").GetUInt64();
        if (microseconds is 0 or NotAvailable)
        {
            return null;
        }

        if (microseconds > MaxTimestampMicroseconds)
        {
            throw new FormatException($"systemd sent {name} = {microseconds} µs, beyond the last representable date.");
        }

        return DateTimeOffset.UnixEpoch.AddTicks((long)microseconds * TimeSpan.TicksPerMicrosecond);
    }

    private static ulong? Counter(IReadOnlyDictionary<string, Variant> properties, string name)
    {
        ulong value = Get(properties, name, "t").GetUInt64();
        return value == NotAvailable ? null : value;
    }

    private static string String(IReadOnlyDictionary<string, Variant> properties, string name) => Get(properties, name, "s").GetString();

    private static Variant Get(IReadOnlyDictionary<string, Variant> properties, string name, string signature)
    {
        if (!properties.TryGetValue(name, out Variant value))
        {
            throw new FormatException($"systemd did not send the property {name}.");
        }

        return value.Signature == signature
            ? value
            : throw new FormatException($"systemd sent {name} as '{value.Signature}'; vks expects '{signature}'.");
    }
}
