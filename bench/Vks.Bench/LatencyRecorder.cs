using System.Diagnostics;
using System.Globalization;

namespace Vks.Bench;

/// <summary>Records operation latencies as Stopwatch ticks into a preallocated array (no allocation while
/// measuring) and reports percentiles.</summary>
internal sealed class LatencyRecorder(int capacity)
{
    private readonly long[] _ticks = new long[capacity];
    private int _count;

    public int Count => _count;

    public bool IsFull => _count == _ticks.Length;

    public void Record(long startTimestamp) => _ticks[_count++] = Stopwatch.GetTimestamp() - startTimestamp;

    /// <summary>The latency below which <paramref name="percent"/>% of operations completed, in microseconds.</summary>
    public double PercentileMicroseconds(double percent)
    {
        if (_count == 0)
        {
            return double.NaN;
        }

        long[] sorted = _ticks[.._count];
        Array.Sort(sorted);
        int index = (int)Math.Min(_count - 1, Math.Ceiling(percent / 100 * _count) - 1);
        return sorted[Math.Max(0, index)] * 1_000_000.0 / Stopwatch.Frequency;
    }

    public string Summary() => string.Create(
        CultureInfo.InvariantCulture,
        $"n={_count,8}  p50={PercentileMicroseconds(50),8:F1} µs  p90={PercentileMicroseconds(90),8:F1} µs  p99={PercentileMicroseconds(99),8:F1} µs  p99.9={PercentileMicroseconds(99.9),8:F1} µs");
}
