// GET /metrics/resource: the kubelet's resource metrics (pkg/kubelet/metrics/collectors/resource_metrics.go), which
// metrics-server scrapes for `kubectl top` and the HPA. Families are in name order as the kubelet's registry writes
// them; each sample carries the time of its reading in milliseconds, since the numbers are read at different moments.
// A family with no sample is left out; scrape_error is always there. The HELP texts are those of Kubernetes 1.20.
using System.Globalization;
using System.Text;
using Vks.Node.KubeletApi.Metrics;

namespace Vks.Node.KubeletApi.Stats;

internal static class ResourceMetricsText
{
    public static string Render(ResourceSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var text = new StringBuilder();
        IEnumerable<(PodReading Pod, ContainerReading Container)> containers = snapshot.Pods.SelectMany(pod => pod.Containers.Select(container => (pod, container)));

        Family(text, "container_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the container in core-seconds",
            containers.Where(c => c.Container.CpuUsageNanoseconds is not null)
                .Select(c => Sample(ContainerLabels(c.Pod, c.Container), Seconds(c.Container.CpuUsageNanoseconds!.Value), c.Container.Time)));
        Family(text, "container_memory_working_set_bytes", "gauge", "Current working set of the container in bytes",
            containers.Where(c => c.Container.WorkingSetBytes is not null)
                .Select(c => Sample(ContainerLabels(c.Pod, c.Container), c.Container.WorkingSetBytes!.Value, c.Container.Time)));
        Family(text, "container_start_time_seconds", "gauge", "Start time of the container since unix epoch in seconds",
            containers.Where(c => c.Container.Resources.StartedAt is not null)
                .Select(c => Sample(ContainerLabels(c.Pod, c.Container), c.Container.Resources.StartedAt!.Value.ToUnixTimeMilliseconds() / 1000.0, time: null)));
        Family(text, "node_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the node in core-seconds",
            [Sample(labels: [], Seconds(snapshot.Node.Cpu.CpuUsageNanoseconds), snapshot.Node.Time)]);
        Family(text, "node_memory_working_set_bytes", "gauge", "Current working set of the node in bytes",
            [Sample(labels: [], snapshot.Node.WorkingSetBytes, snapshot.Node.Time)]);
        Family(text, "pod_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the pod in core-seconds",
            snapshot.Pods.Where(pod => pod.Containers.Count > 0 && pod.Containers.All(c => c.CpuUsageNanoseconds is not null))
                .Select(pod => Sample(PodLabels(pod), Seconds(pod.Containers.Aggregate(0UL, (sum, c) => sum + c.CpuUsageNanoseconds!.Value)), pod.Containers.Max(c => c.Time))));
        Family(text, "pod_memory_working_set_bytes", "gauge", "Current working set of the pod in bytes",
            snapshot.Pods.Where(pod => pod.Containers.Count > 0 && pod.Containers.All(c => c.WorkingSetBytes is not null))
                .Select(pod => Sample(PodLabels(pod), pod.Containers.Aggregate(0UL, (sum, c) => sum + c.WorkingSetBytes!.Value), pod.Containers.Max(c => c.Time))));
        Family(text, "scrape_error", "gauge", "1 if there was an error while getting container metrics, 0 otherwise",
            [Sample(labels: [], snapshot.FailedReads > 0 ? 1 : 0, time: null)]);
        return text.ToString();
    }

    private static void Family(StringBuilder text, string name, string type, string help, IEnumerable<MetricSample> samples)
    {
        MetricSample[] all = [.. samples];
        if (all.Length == 0)
        {
            return;
        }

        text.Append("# HELP ").Append(name).Append(" [ALPHA] ");
        PrometheusText.AppendHelp(text, help);
        text.Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (MetricSample sample in all)
        {
            text.Append(name);
            if (sample.Labels.Length > 0)
            {
                text.Append('{');
                for (int i = 0; i < sample.Labels.Length; i++)
                {
                    text.Append(i == 0 ? "" : ",").Append(sample.Labels[i].Name).Append("=\"");
                    PrometheusText.AppendLabelValue(text, sample.Labels[i].Value);
                    text.Append('"');
                }

                text.Append('}');
            }

            text.Append(' ').Append(PrometheusText.Number(sample.Value));
            if (sample.Time is { } time)
            {
                text.Append(' ').Append(time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
            }

            text.Append('\n');
        }
    }

    // Label names in the order the kubelet writes them (sorted).
    private static (string Name, string Value)[] ContainerLabels(PodReading pod, ContainerReading container) =>
        [("container", container.Name), ("namespace", pod.Namespace), ("pod", pod.Name)];

    private static (string Name, string Value)[] PodLabels(PodReading pod) => [("namespace", pod.Namespace), ("pod", pod.Name)];

    private static double Seconds(ulong nanoseconds) => nanoseconds / 1e9;

    private static MetricSample Sample((string Name, string Value)[] labels, double value, DateTimeOffset? time) => new(labels, value, time);

    private sealed record MetricSample((string Name, string Value)[] Labels, double Value, DateTimeOffset? Time);
}
