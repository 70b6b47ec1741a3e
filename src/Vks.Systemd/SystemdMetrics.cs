// The metrics of the systemd side, served on the kubelet API's /metrics (see docs/metrics.md). An instrument nothing
// listens to costs a branch; the cost with the exporter attached is measured in docs/benchmarks.md.
// Labels are interface, member and error names as they are on the wire: vks talks to systemd and the bus driver only,
// so their set stays small.
using System.Diagnostics.Metrics;

namespace Vks.Systemd;

public static class SystemdMetrics
{
    public const string MeterName = "Vks.Systemd";

    private static readonly Meter Meter = new(MeterName);

    // Local D-Bus round trips take tens of microseconds; a loaded systemd answers in seconds.
    private static readonly double[] CallDurationBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25];

    internal static readonly Counter<long> DBusCalls = Meter.CreateCounter<long>(
        "vks.dbus.calls", description: "D-Bus method calls sent.");

    internal static readonly Counter<long> DBusCallErrors = Meter.CreateCounter<long>(
        "vks.dbus.call.errors", description: "D-Bus method calls that failed: the D-Bus error name of an error reply, timeout, or closed (the connection ended first).");

    internal static readonly Histogram<double> DBusCallDuration = Meter.CreateHistogram(
        "vks.dbus.call.duration",
        unit: "s",
        description: "Time from sending a D-Bus method call to its reply (a return or an error).",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CallDurationBuckets });

    internal static readonly Counter<long> DBusSignals = Meter.CreateCounter<long>(
        "vks.dbus.signals", description: "D-Bus signals received.");

    internal static void CallSent(string @interface, string member) =>
        DBusCalls.Add(1, new("interface", @interface), new("member", member));

    internal static void CallAnswered(string @interface, string member, TimeSpan elapsed) =>
        DBusCallDuration.Record(elapsed.TotalSeconds, new("interface", @interface), new("member", member));

    internal static void CallFailed(string @interface, string member, string error) =>
        DBusCallErrors.Add(1, new("interface", @interface), new("member", member), new("error", error));

    internal static void SignalReceived(string? @interface, string? member) =>
        DBusSignals.Add(1, new("interface", @interface ?? string.Empty), new("member", member ?? string.Empty));
}
