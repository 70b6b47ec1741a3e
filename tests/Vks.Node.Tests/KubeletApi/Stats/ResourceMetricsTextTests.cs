// /metrics/resource as the kubelet writes it and metrics-server parses it: HELP and TYPE per family, families in name
// order, labels sorted and escaped, and each sample stamped with its reading's time in milliseconds.
using System.Globalization;
using System.Text.RegularExpressions;
using Vks.Node.KubeletApi.Stats;
using Vks.Systemd.Manager;

namespace Vks.Node.Tests.KubeletApi.Stats;

public sealed class ResourceMetricsTextTests
{
    private static readonly CgroupMemoryStat MemoryStat = new(InactiveFile: 1_000, Rss: 2_000, PageFaults: 3, MajorPageFaults: 0);

    [Fact]
    public void Renders_node_pod_and_container_families_like_the_kubelet()
    {
        ContainerReading app = StatsSamples.Container("app", StatsSamples.Now, cpu: 1_500_000_000, memory: 4_096_000, MemoryStat);
        var snapshot = new ResourceSnapshot(StatsSamples.Node(StatsSamples.Now), [new PodReading("default", "web", "uid-1", null, [app])], FailedReads: 0);
        long ms = StatsSamples.Now.ToUnixTimeMilliseconds();
        long started = StatsSamples.Now.AddMinutes(-10).ToUnixTimeSeconds();

        string text = ResourceMetricsText.Render(snapshot);

        Assert.Equal(
            $$"""
            # HELP container_cpu_usage_seconds_total [ALPHA] Cumulative cpu time consumed by the container in core-seconds
            # TYPE container_cpu_usage_seconds_total counter
            container_cpu_usage_seconds_total{container="app",namespace="default",pod="web"} 1.5 {{ms}}
            # HELP container_memory_working_set_bytes [ALPHA] Current working set of the container in bytes
            # TYPE container_memory_working_set_bytes gauge
            container_memory_working_set_bytes{container="app",namespace="default",pod="web"} 4095000 {{ms}}
            # HELP container_start_time_seconds [ALPHA] Start time of the container since unix epoch in seconds
            # TYPE container_start_time_seconds gauge
            container_start_time_seconds{container="app",namespace="default",pod="web"} {{started}}
            # HELP node_cpu_usage_seconds_total [ALPHA] Cumulative cpu time consumed by the node in core-seconds
            # TYPE node_cpu_usage_seconds_total counter
            node_cpu_usage_seconds_total 1.47 {{ms}}
            # HELP node_memory_working_set_bytes [ALPHA] Current working set of the node in bytes
            # TYPE node_memory_working_set_bytes gauge
            node_memory_working_set_bytes 4096000 {{ms}}
            # HELP pod_cpu_usage_seconds_total [ALPHA] Cumulative cpu time consumed by the pod in core-seconds
            # TYPE pod_cpu_usage_seconds_total counter
            pod_cpu_usage_seconds_total{namespace="default",pod="web"} 1.5 {{ms}}
            # HELP pod_memory_working_set_bytes [ALPHA] Current working set of the pod in bytes
            # TYPE pod_memory_working_set_bytes gauge
            pod_memory_working_set_bytes{namespace="default",pod="web"} 4095000 {{ms}}
            # HELP scrape_error [ALPHA] 1 if there was an error while getting container metrics, 0 otherwise
            # TYPE scrape_error gauge
            scrape_error 0

            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            text);
    }

    [Fact]
    public void Label_values_are_escaped()
    {
        // Kubernetes names cannot hold these, but the text must stay parseable whatever the directory hands over.
        ContainerReading odd = StatsSamples.Container("a\"b\\c\nd", StatsSamples.Now, cpu: 1, memory: null, stat: null);
        var snapshot = new ResourceSnapshot(StatsSamples.Node(StatsSamples.Now), [new PodReading("ns", "p", "u", null, [odd])], FailedReads: 0);

        string text = ResourceMetricsText.Render(snapshot);

        Assert.Contains("container_cpu_usage_seconds_total{container=\"a\\\"b\\\\c\\nd\",namespace=\"ns\",pod=\"p\"} 1E-09 ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Families_without_samples_are_left_out_and_a_failed_read_is_a_scrape_error()
    {
        ContainerReading unaccounted = StatsSamples.Container("app", StatsSamples.Now, cpu: null, memory: null, stat: null) with
        {
            Resources = new ServiceResources(new UnitResourceUsage(null, null, null, null, null), "/system.slice/x.service", StartedAt: null),
        };
        var snapshot = new ResourceSnapshot(StatsSamples.Node(StatsSamples.Now), [new PodReading("ns", "p", "u", null, [unaccounted])], FailedReads: 1);

        string text = ResourceMetricsText.Render(snapshot);

        Assert.DoesNotContain("container_", text, StringComparison.Ordinal);
        Assert.DoesNotContain("pod_", text, StringComparison.Ordinal);
        Assert.Contains("node_cpu_usage_seconds_total ", text, StringComparison.Ordinal);
        Assert.EndsWith("scrape_error 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_line_is_a_comment_or_a_sample_with_a_number()
    {
        ContainerReading app = StatsSamples.Container("app", StatsSamples.Now, cpu: 123_456_789_012, memory: 10, MemoryStat);
        var snapshot = new ResourceSnapshot(StatsSamples.Node(StatsSamples.Now), [new PodReading("ns", "p", "u", null, [app])], FailedReads: 0);

        var sample = new Regex(@"^[a-z_]+(\{.*\})? (?<value>\S+)( \d+)?$");
        foreach (string line in ResourceMetricsText.Render(snapshot).TrimEnd('\n').Split('\n'))
        {
            if (line.StartsWith('#'))
            {
                Assert.Matches(@"^# (HELP|TYPE) [a-z_]+ .+$", line);
                continue;
            }

            Match match = sample.Match(line);
            Assert.True(match.Success, line);
            Assert.True(double.TryParse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _), line);
        }
    }
}
