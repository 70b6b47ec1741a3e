using Vks.Node.KubeletApi.Stats;

namespace Vks.Node.Tests.KubeletApi.Stats;

public sealed class CpuRateTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Started = T0.AddHours(-1);

    [Theory]
    [InlineData(1_000_000_000UL, 1_000, 1_000_000_000UL)] // one core busy for a second
    [InlineData(500_000_000UL, 1_000, 500_000_000UL)] // half a core
    [InlineData(3_000_000_000UL, 1_500, 2_000_000_000UL)] // two cores for 1.5 s
    [InlineData(0UL, 1_000, 0UL)] // idle
    public void The_rate_is_cpu_time_per_wall_time_in_nanocores(ulong cpuNanoseconds, int milliseconds, ulong nanoCores)
    {
        var previous = new CpuSample(T0, 7_000_000, Started);
        var current = new CpuSample(T0.AddMilliseconds(milliseconds), 7_000_000 + cpuNanoseconds, Started);

        Assert.Equal(nanoCores, CpuRateTracker.Rate(previous, current));
    }

    [Fact]
    public void No_rate_across_a_restart_a_counter_going_back_or_no_elapsed_time()
    {
        var previous = new CpuSample(T0, 5_000_000_000, Started);

        Assert.Null(CpuRateTracker.Rate(previous, new CpuSample(T0.AddSeconds(1), 6_000_000_000, Started.AddMinutes(30))));
        Assert.Null(CpuRateTracker.Rate(previous, new CpuSample(T0.AddSeconds(1), 4_000_000_000, Started)));
        Assert.Null(CpuRateTracker.Rate(previous, new CpuSample(T0, 6_000_000_000, Started)));
        Assert.Null(CpuRateTracker.Rate(previous, new CpuSample(T0.AddSeconds(-1), 6_000_000_000, Started)));
    }

    [Fact]
    public void The_first_samples_have_no_baseline_and_give_no_rate()
    {
        var tracker = new CpuRateTracker();
        var samples = Samples(("a.service", T0, 1_000));

        Assert.False(tracker.HasBaselineFor(samples));
        Assert.Empty(tracker.Advance(samples));
    }

    [Fact]
    public void Later_samples_are_measured_against_the_previous_ones()
    {
        var tracker = new CpuRateTracker();
        tracker.Advance(Samples(("a.service", T0, 1_000_000_000), ("b.service", T0, 0)));
        var next = Samples(("a.service", T0.AddSeconds(2), 2_000_000_000), ("b.service", T0.AddSeconds(2), 4_000_000_000));

        Assert.True(tracker.HasBaselineFor(next));
        IReadOnlyDictionary<string, ulong> rates = tracker.Advance(next);

        Assert.Equal(500_000_000UL, rates["a.service"]);
        Assert.Equal(2_000_000_000UL, rates["b.service"]);
    }

    [Fact]
    public void A_new_unit_lacks_a_baseline_and_a_unit_not_sampled_again_is_forgotten()
    {
        var tracker = new CpuRateTracker();
        tracker.Advance(Samples(("old.service", T0, 1_000)));
        tracker.Advance(Samples(("new.service", T0.AddSeconds(1), 1_000)));

        Assert.False(tracker.HasBaselineFor(Samples(("old.service", T0.AddSeconds(2), 2_000))));
        Assert.True(tracker.HasBaselineFor(Samples(("new.service", T0.AddSeconds(2), 2_000))));
        Assert.Empty(tracker.Advance(Samples(("old.service", T0.AddSeconds(2), 2_000))));
    }

    private static Dictionary<string, CpuSample> Samples(params (string Key, DateTimeOffset Time, ulong Usage)[] samples) =>
        samples.ToDictionary(sample => sample.Key, sample => new CpuSample(sample.Time, sample.Usage, Started));
}
