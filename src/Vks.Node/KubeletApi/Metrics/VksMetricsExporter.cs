// vks's own metrics in the Prometheus text format: a MeterListener on every meter named Vks.* (one per assembly:
// Vks.Systemd, Vks.Node, Vks.Actors), aggregating in memory from the moment it is created. Create it before the
// first D-Bus or API call, or the counters miss them. Observable instruments (pods, units, mailbox depths) are asked
// at each Collect, so their state is never older than the scrape.
using System.Diagnostics.Metrics;
using System.Numerics;
using System.Text;

namespace Vks.Node.KubeletApi.Metrics;

public sealed class VksMetricsExporter : IDisposable
{
    // Prometheus's default buckets, for a histogram whose instrument gives no advice.
    private static readonly double[] DefaultBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly string _meterPrefix;
    private readonly Lock _familiesLock = new();
    private readonly Dictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);
    private readonly Lock _collectLock = new();

    public VksMetricsExporter()
        : this("Vks.")
    {
    }

    /// <param name="meterPrefix">Which meters to listen to: those whose name starts with it.</param>
    internal VksMetricsExporter(string meterPrefix)
    {
        _meterPrefix = meterPrefix;
        _listener.InstrumentPublished = OnInstrumentPublished;
        _listener.SetMeasurementEventCallback<byte>(OnMeasurement);
        _listener.SetMeasurementEventCallback<short>(OnMeasurement);
        _listener.SetMeasurementEventCallback<int>(OnMeasurement);
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.SetMeasurementEventCallback<float>(OnMeasurement);
        _listener.SetMeasurementEventCallback<double>(OnMeasurement);
        _listener.SetMeasurementEventCallback<decimal>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>Asks the observable instruments, then writes every metric that has a series, sorted by name.</summary>
    public string Collect()
    {
        lock (_collectLock)
        {
            MetricFamily[] families;
            lock (_familiesLock)
            {
                families = [.. _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal)];
            }

            foreach (var family in families)
            {
                family.ClearObserved();
            }

            _listener.RecordObservableInstruments();
            var text = new StringBuilder();
            foreach (var family in families)
            {
                family.WriteTo(text);
            }

            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private static void OnMeasurement<T>(Instrument instrument, T measurement, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        where T : struct, INumberBase<T> =>
        ((MetricFamily)state!).Record(double.CreateSaturating(measurement), tags);

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (instrument.Meter.Name.StartsWith(_meterPrefix, StringComparison.Ordinal) && FamilyFor(instrument) is { } family)
        {
            listener.EnableMeasurementEvents(instrument, family);
        }
    }

    /// <summary>The family the instrument feeds; null when its name is taken by a metric of another kind, which
    /// would make the output invalid.</summary>
    private MetricFamily? FamilyFor(Instrument instrument)
    {
        var kind = KindOf(instrument);
        var name = PrometheusText.MetricName(instrument.Name, instrument.Unit, kind is MetricKind.Counter or MetricKind.ObservedCounter);
        lock (_familiesLock)
        {
            if (_families.TryGetValue(name, out var existing))
            {
                return existing.Kind == kind ? existing : null;
            }

            var family = new MetricFamily(name, kind, instrument.Description, kind == MetricKind.Histogram ? BoundsOf(instrument) : []);
            _families.Add(name, family);
            return family;
        }
    }

    private static MetricKind KindOf(Instrument instrument)
    {
        var type = instrument.GetType().GetGenericTypeDefinition();
        if (type == typeof(Counter<>))
        {
            return MetricKind.Counter;
        }

        if (type == typeof(UpDownCounter<>))
        {
            return MetricKind.UpDownCounter;
        }

        if (type == typeof(Histogram<>))
        {
            return MetricKind.Histogram;
        }

        if (type == typeof(ObservableCounter<>))
        {
            return MetricKind.ObservedCounter;
        }

        // Gauge<T> is the last value set; ObservableGauge and ObservableUpDownCounter are asked at each scrape.
        return instrument.IsObservable ? MetricKind.ObservedGauge : MetricKind.Gauge;
    }

    private static double[] BoundsOf(Instrument instrument)
    {
        IEnumerable<double>? advised = instrument switch
        {
            Instrument<double> d => d.Advice?.HistogramBucketBoundaries,
            Instrument<float> f => f.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<long> l => l.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<int> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            _ => null,
        };
        return advised is null ? DefaultBounds : [.. advised.Order().Distinct()];
    }
}
