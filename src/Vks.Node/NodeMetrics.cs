// The metrics of the Kubernetes side, served on the kubelet API's /metrics (see docs/metrics.md): every request vks
// sends to the API server, counted by KubernetesApiMetricsHandler.
using System.Diagnostics.Metrics;

namespace Vks.Node;

public static class NodeMetrics
{
    public const string MeterName = "Vks.Node";

    private static readonly Meter Meter = new(MeterName);

    // From a quick GET on a near apiserver to a slow write under load; a request that takes longer has other trouble.
    private static readonly double[] RequestDurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    internal static readonly Counter<long> ApiRequests = Meter.CreateCounter<long>(
        "vks.api.requests",
        description: "Requests to the Kubernetes API server, by verb (the HTTP method; WATCH for a watch) and code (the HTTP status, or error when no answer came).");

    internal static readonly Histogram<double> ApiRequestDuration = Meter.CreateHistogram(
        "vks.api.request.duration",
        unit: "s",
        description: "Time from sending a request to the API server to its whole response (for a watch or a followed log: until it is open).",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RequestDurationBuckets });
}
