using System.Diagnostics;
using System.Globalization;

namespace Vks.Bench.NodeAgent;

/// <summary>Latencies between Stopwatch timestamps, summarised as p50, p99 and max in milliseconds.</summary>
internal sealed class Latencies
{
    private readonly List<double> _milliseconds = [];

    public int Count => _milliseconds.Count;

    public void Add(long from, long to) => _milliseconds.Add((to - from) * 1000.0 / Stopwatch.Frequency);

    public void AddRange(Latencies other) => _milliseconds.AddRange(other._milliseconds);

    public double Percentile(double percent)
    {
        double[] sorted = [.. _milliseconds.Order()];
        int index = (int)Math.Ceiling(percent / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }

    public string Summary() => Count == 0
        ? "n=0"
        : string.Create(CultureInfo.InvariantCulture, $"n={Count} p50 {Percentile(50):F0} ms, p99 {Percentile(99):F0} ms, max {_milliseconds.Max():F0} ms");
}
