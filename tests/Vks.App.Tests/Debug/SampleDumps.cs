using Vks.Actors.Debug;

namespace Vks.App.Tests.Debug;

internal static class SampleDumps
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public static DumpProtocol.NodeDump Node() => new(
        "worker-1",
        "Ready",
        "node-uid",
        At,
        TimeSpan.FromSeconds(3.5),
        At.AddSeconds(-20),
        "1234",
        null,
        [
            new DumpProtocol.PodDump(
                "default",
                "web",
                "pod-uid",
                "Running",
                "Running",
                2,
                [
                    new DumpProtocol.UnitDump("setup", true, "/usr/bin/true", "Running", "vks.default.web.setup.service", "inactive", "dead", 0, At, null),
                    new DumpProtocol.UnitDump("web", false, "uptimed", "Running", "vks.default.web.web.service", "active", "running", 3, At.AddMinutes(-2), TimeSpan.FromSeconds(40)),
                ],
                []),
        ],
        new DumpProtocol.PackageQueueDump(
            new DumpProtocol.PackageJobDump("bash=5.2", "IfNotPresent", 2, At, At.AddSeconds(1), true),
            [new DumpProtocol.PackageJobDump("nginx", "Always", 1, At.AddSeconds(2), null, false)],
            null),
        ["pod-stuck"]);
}
