using Vks.Systemd.DBus;

namespace Vks.Systemd.Tests.Manager;

/// <summary>Property dictionaries shaped like systemd 252's: the values below were captured (busctl monitor) from a
/// service that was started and then killed with SIGKILL.</summary>
internal static class SystemdProperties
{
    /// <summary>The InvocationID bytes systemd sent, and the hex journald records for them.</summary>
    public static readonly byte[] InvocationIdBytes = [0x05, 0x19, 0x5b, 0x60, 0xc9, 0x1e, 0x42, 0xb1, 0x88, 0xac, 0x31, 0xdf, 0x81, 0xf1, 0x4c, 0x7a];
    public const string InvocationIdHex = "05195b60c91e42b188ac31df81f14c7a";

    public const ulong StartMicroseconds = 1_795_469_126_632_179;
    public const ulong ExitMicroseconds = 1_795_469_127_633_132;

    public static Dictionary<string, Variant> Unit(string activeState = "failed", string subState = "failed") => new()
    {
        ["Id"] = "probe.service",
        ["Description"] = "not tracked",
        ["LoadState"] = "loaded",
        ["ActiveState"] = activeState,
        ["SubState"] = subState,
        ["InvocationID"] = Variant.FromBytes(InvocationIdBytes),
        ["StateChangeTimestamp"] = 1_795_469_127_633_369UL,
    };

    public static Dictionary<string, Variant> Service(string result = "signal") => new()
    {
        ["MainPID"] = 0u,
        ["Result"] = result,
        ["NRestarts"] = 2u,
        ["ExecMainStartTimestamp"] = StartMicroseconds,
        ["ExecMainExitTimestamp"] = ExitMicroseconds,
        ["ExecMainPID"] = 58u,
        ["ExecMainCode"] = 2,
        ["ExecMainStatus"] = 9,
        ["MemoryCurrent"] = 1_409_024UL,
        ["CPUUsageNSec"] = 12_345_000UL,
        ["TasksCurrent"] = 2UL,
        ["IOReadBytes"] = ulong.MaxValue,
        ["IOWriteBytes"] = ulong.MaxValue,
    };
}
