// The wait between failed attempts to reach the API server. It doubles from Initial up to Max, with jitter so
// that many nodes cut off together do not come back in lockstep, and starts over once no failure has been seen
// for ResetAfter (the same shape as client-go's reflector: a server that recovered is not punished for an old
// outage).
namespace Vks.Node.Kubernetes;

public sealed class ExponentialBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly TimeSpan _resetAfter;
    private readonly Random _random;
    private int _failuresInARow;
    private DateTimeOffset? _lastFailure;

    public ExponentialBackoff(TimeSpan initial, TimeSpan max, TimeSpan resetAfter, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        ArgumentOutOfRangeException.ThrowIfLessThan(resetAfter, TimeSpan.Zero);
        _initial = initial;
        _max = max;
        _resetAfter = resetAfter;
        _random = random ?? Random.Shared;
    }

    /// <summary>The API server's defaults for vks: 0.5 s doubling to 30 s, reset after 2 min without failure.</summary>
    public static ExponentialBackoff ForApiServer() =>
        new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2));

    /// <summary>
    /// Records a failure at <paramref name="now"/> and returns how long to wait before the next attempt: a random
    /// delay between half and all of the current step, where the step is Initial·2ⁿ (n failures in a row before
    /// this one) capped at Max.
    /// </summary>
    public TimeSpan NextDelay(DateTimeOffset now)
    {
        if (_lastFailure is { } last && now - last >= _resetAfter)
        {
            _failuresInARow = 0;
        }

        _lastFailure = now;
        var step = Step(_failuresInARow);
        _failuresInARow++;
        return step / 2 + step / 2 * _random.NextDouble();
    }

    private TimeSpan Step(int failuresBefore)
    {
        // Doubling past 2^30 would overflow long before it matters; Max is reached far earlier anyway.
        var factor = Math.Pow(2, Math.Min(failuresBefore, 30));
        var ticks = _initial.Ticks * factor;
        return ticks >= _max.Ticks ? _max : TimeSpan.FromTicks((long)ticks);
    }
}
