// usageNanoCores is a rate, but systemd only has the cumulative CPUUsageNSec. The tracker keeps the last sample of
// each cgroup (the node and each container unit) from the previous /stats/summary and divides the difference by the
// time between them, as cAdvisor does between its housekeeping samples. Keys that are not sampled again are forgotten,
// so the memory stays bounded by the containers running now.
namespace Vks.Node.KubeletApi.Stats;

/// <param name="StartedAt">The start of the unit's current run: a restarted unit has a new cgroup whose counter began
/// again at zero, so a sample of the previous run is no baseline.</param>
internal sealed record CpuSample(DateTimeOffset Time, ulong UsageNanoseconds, DateTimeOffset? StartedAt);

internal sealed class CpuRateTracker
{
    private readonly Lock _lock = new();
    private Dictionary<string, CpuSample> _previous = new(StringComparer.Ordinal);

    /// <summary>Whether every one of <paramref name="samples"/> has a previous sample a rate can be computed from.</summary>
    public bool HasBaselineFor(IReadOnlyDictionary<string, CpuSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        lock (_lock)
        {
            return samples.All(sample => _previous.TryGetValue(sample.Key, out CpuSample? previous) && Rate(previous, sample.Value) is not null);
        }
    }

    /// <summary>The rate, in nanocores, of each sample that has a usable previous one; then <paramref name="samples"/>
    /// become the previous samples.</summary>
    public IReadOnlyDictionary<string, ulong> Advance(IReadOnlyDictionary<string, CpuSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var rates = new Dictionary<string, ulong>(StringComparer.Ordinal);
        lock (_lock)
        {
            foreach ((string key, CpuSample sample) in samples)
            {
                if (_previous.TryGetValue(key, out CpuSample? previous) && Rate(previous, sample) is { } rate)
                {
                    rates[key] = rate;
                }
            }

            _previous = new Dictionary<string, CpuSample>(samples, StringComparer.Ordinal);
        }

        return rates;
    }

    /// <summary>CPU nanoseconds per second of wall time between two samples of one cgroup (1e9 = one core busy); null
    /// when they are not of the same run, the counter went back, or no time passed.</summary>
    public static ulong? Rate(CpuSample previous, CpuSample current)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(current);
        long elapsedTicks = (current.Time - previous.Time).Ticks;
        if (previous.StartedAt != current.StartedAt || current.UsageNanoseconds < previous.UsageNanoseconds || elapsedTicks <= 0)
        {
            return null;
        }

        double elapsedNanoseconds = elapsedTicks * 100.0;
        return (ulong)Math.Round((current.UsageNanoseconds - previous.UsageNanoseconds) / elapsedNanoseconds * 1e9);
    }
}
