// What /stats/summary and /metrics/resource answer, read when asked. The only state kept between requests is the last
// CPU sample of each cgroup, for usageNanoCores.
//
// The first summary has no previous sample (nor does a container started since the last one), and a rate needs two.
// Rather than leave usageNanoCores out, which makes a first `kubectl get --raw .../stats/summary` look idle, the
// summary then reads everything again after SecondSampleDelay and reports the rate over that short window. Later
// summaries report the average since the previous one, as the kubelet's cAdvisor does since its last housekeeping.
using Vks.Systemd.Manager;

namespace Vks.Node.KubeletApi.Stats;

public sealed class StatsReporter
{
    /// <summary>The window of the first rate: long enough that a busy core shows as ~1e9 nanocores, short enough for
    /// an HTTP request.</summary>
    public static readonly TimeSpan SecondSampleDelay = TimeSpan.FromSeconds(1);

    private readonly string _nodeName;
    private readonly ResourceCollector _collector;
    private readonly CpuRateTracker _rates = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _secondSampleDelay;

    public StatsReporter(string nodeName, IKubeletPodDirectory pods, IServiceResourceReader units, TimeProvider time)
        : this(nodeName, pods, units, new CgroupMemoryStatReader(), new HostResourceReader(), time, SecondSampleDelay)
    {
    }

    internal StatsReporter(
        string nodeName,
        IKubeletPodDirectory pods,
        IServiceResourceReader units,
        CgroupMemoryStatReader cgroups,
        HostResourceReader host,
        TimeProvider time,
        TimeSpan secondSampleDelay)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(time);
        _nodeName = nodeName;
        _time = time;
        _secondSampleDelay = secondSampleDelay;
        _collector = new ResourceCollector(pods, units, cgroups, host, time);
    }

    public async Task<StatsSummary> GetSummaryAsync(CancellationToken cancellationToken)
    {
        ResourceSnapshot snapshot = await _collector.CollectAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyDictionary<string, CpuSample> samples = SummaryBuilder.CpuSamples(snapshot);
        if (!_rates.HasBaselineFor(samples))
        {
            _rates.Advance(samples);
            await Task.Delay(_secondSampleDelay, _time, cancellationToken).ConfigureAwait(false);
            snapshot = await _collector.CollectAsync(cancellationToken).ConfigureAwait(false);
            samples = SummaryBuilder.CpuSamples(snapshot);
        }

        return SummaryBuilder.Build(_nodeName, snapshot, _rates.Advance(samples));
    }

    /// <summary>The Prometheus text of /metrics/resource. Its counters are cumulative, so no rate (and no wait).</summary>
    public async Task<string> GetResourceMetricsAsync(CancellationToken cancellationToken) =>
        ResourceMetricsText.Render(await _collector.CollectAsync(cancellationToken).ConfigureAwait(false));
}
