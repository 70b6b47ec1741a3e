using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vks.Node.Kubernetes;

namespace Vks.Node.Tests.Kubernetes;

public sealed class ExponentialBackoffTests
{
    private static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ResetAfter = TimeSpan.FromMinutes(2);
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Property]
    public Property Every_delay_lies_between_half_and_all_of_its_doubling_step_capped_at_max(int seed, byte failures)
    {
        var backoff = new ExponentialBackoff(Initial, Max, ResetAfter, new Random(seed));
        var checks = Enumerable.Range(0, failures % 64).Select(n =>
        {
            var step = TimeSpan.FromTicks((long)Math.Min(Initial.Ticks * Math.Pow(2, n), Max.Ticks));
            var delay = backoff.NextDelay(T0 + TimeSpan.FromSeconds(n)); // failures in quick succession
            return delay >= step / 2 && delay <= step;
        });
        return checks.All(ok => ok).Label($"seed {seed}, {failures % 64} failures");
    }

    [Fact]
    public void The_jitter_spans_the_whole_range_from_half_a_step_to_a_step()
    {
        var low = new ExponentialBackoff(Initial, Max, ResetAfter, new FixedRandom(0.0));
        var high = new ExponentialBackoff(Initial, Max, ResetAfter, new FixedRandom(1.0));

        Assert.Equal([250, 500, 1000, 2000], Delays(low, 4));
        Assert.Equal([500, 1000, 2000, 4000], Delays(high, 4));
    }

    [Fact]
    public void The_delay_stops_growing_at_max()
    {
        var backoff = new ExponentialBackoff(Initial, Max, ResetAfter, new FixedRandom(1.0));

        Assert.Equal(30_000, Delays(backoff, 12)[^1]);
        Assert.Equal(30_000, Delays(backoff, 100)[^1]); // no overflow however long the outage
    }

    [Fact]
    public void A_healthy_stretch_resets_the_backoff()
    {
        var backoff = new ExponentialBackoff(Initial, Max, ResetAfter, new FixedRandom(1.0));
        Assert.Equal([500, 1000, 2000], Delays(backoff, 3));

        var afterQuiet = backoff.NextDelay(T0 + ResetAfter + TimeSpan.FromSeconds(3));

        Assert.Equal(Initial, afterQuiet);
    }

    [Fact]
    public void Failures_closer_together_than_the_reset_interval_keep_growing()
    {
        var backoff = new ExponentialBackoff(Initial, Max, ResetAfter, new FixedRandom(1.0));
        var now = T0;
        var delays = new List<double>();
        for (var i = 0; i < 4; i++)
        {
            delays.Add(backoff.NextDelay(now).TotalMilliseconds);
            now += ResetAfter - TimeSpan.FromSeconds(1);
        }

        Assert.Equal([500, 1000, 2000, 4000], delays);
    }

    [Fact]
    public void Nonsense_settings_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialBackoff(TimeSpan.Zero, Max, ResetAfter));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialBackoff(Max, Initial, ResetAfter));
    }

    private static List<double> Delays(ExponentialBackoff backoff, int count) =>
        Enumerable.Range(0, count).Select(i => backoff.NextDelay(T0 + TimeSpan.FromMilliseconds(i)).TotalMilliseconds).ToList();

    private sealed class FixedRandom(double value) : Random
    {
        public override double NextDouble() => value;
    }
}
