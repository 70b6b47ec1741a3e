// One metric as Prometheus sees it (a name, a type, its series), fed by the instruments that map to that name.
// Measurements arrive on any thread, so a family takes its lock for each one; finding a series allocates nothing,
// only a label set seen for the first time does.
using System.Globalization;
using System.Text;

namespace Vks.Node.KubeletApi.Metrics;

internal enum MetricKind
{
    /// <summary>Counter: measurements add up for the life of the process.</summary>
    Counter,

    /// <summary>UpDownCounter: measurements add up; shown as a gauge, since it may go down.</summary>
    UpDownCounter,

    /// <summary>Gauge: the last measurement.</summary>
    Gauge,

    /// <summary>Histogram: per series, a count per bucket, the sum and the count of the measurements.</summary>
    Histogram,

    /// <summary>ObservableCounter: a callback reports the cumulative value at each scrape.</summary>
    ObservedCounter,

    /// <summary>ObservableGauge and ObservableUpDownCounter: a callback reports the value at each scrape.</summary>
    ObservedGauge,
}

internal sealed class MetricFamily
{
    private readonly Lock _lock = new();
    private readonly List<Series> _series = [];
    private readonly string? _help;

    /// <param name="bounds">A histogram's upper bucket bounds, ascending; the +Inf bucket is implied.</param>
    public MetricFamily(string name, MetricKind kind, string? help, double[] bounds)
    {
        Name = name;
        Kind = kind;
        _help = help;
        Bounds = bounds;
    }

    public string Name { get; }

    public MetricKind Kind { get; }

    public double[] Bounds { get; }

    /// <summary>Whether the series are reported afresh at each scrape (a series nobody reports any more, such as
    /// a pod that is gone, disappears).</summary>
    public bool IsObserved => Kind is MetricKind.ObservedCounter or MetricKind.ObservedGauge;

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_lock)
        {
            var series = Find(tags) ?? Add(tags);
            switch (Kind)
            {
                case MetricKind.Gauge:
                    series.Value = value;
                    break;
                case MetricKind.Histogram:
                    series.Observe(value, Bounds);
                    break;
                default:
                    // An observed value too: two reports of one label set in one scrape add up.
                    series.Value += value;
                    break;
            }
        }
    }

    /// <summary>Forgets the observed series before a scrape asks the callbacks again.</summary>
    public void ClearObserved()
    {
        if (!IsObserved)
        {
            return;
        }

        lock (_lock)
        {
            _series.Clear();
        }
    }

    /// <summary>Appends the HELP, TYPE and sample lines, series sorted by their labels; nothing without a series.</summary>
    public void WriteTo(StringBuilder text)
    {
        lock (_lock)
        {
            if (_series.Count == 0)
            {
                return;
            }

            if (!string.IsNullOrEmpty(_help))
            {
                text.Append("# HELP ").Append(Name).Append(' ');
                PrometheusText.AppendHelp(text, _help);
                text.Append('\n');
            }

            text.Append("# TYPE ").Append(Name).Append(' ').Append(TypeName).Append('\n');
            foreach (var series in _series.OrderBy(s => s.Labels, StringComparer.Ordinal))
            {
                if (Kind == MetricKind.Histogram)
                {
                    WriteHistogram(text, series);
                }
                else
                {
                    Sample(text, Name, series.Labels, null, series.Value);
                }
            }
        }
    }

    private string TypeName => Kind switch
    {
        MetricKind.Counter or MetricKind.ObservedCounter => "counter",
        MetricKind.Histogram => "histogram",
        _ => "gauge",
    };

    private void WriteHistogram(StringBuilder text, Series series)
    {
        long cumulative = 0;
        for (var i = 0; i < Bounds.Length; i++)
        {
            cumulative += series.BucketCounts[i];
            Sample(text, Name + "_bucket", series.Labels, PrometheusText.Number(Bounds[i]), cumulative);
        }

        Sample(text, Name + "_bucket", series.Labels, "+Inf", series.Count);
        Sample(text, Name + "_sum", series.Labels, null, series.Sum);
        Sample(text, Name + "_count", series.Labels, null, series.Count);
    }

    private static void Sample(StringBuilder text, string name, string labels, string? le, double value)
    {
        text.Append(name);
        if (labels.Length > 0 || le is not null)
        {
            text.Append('{').Append(labels);
            if (le is not null)
            {
                text.Append(labels.Length > 0 ? ",le=\"" : "le=\"").Append(le).Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(PrometheusText.Number(value)).Append('\n');
    }

    private Series? Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var hash = HashOf(tags);
        foreach (var series in _series)
        {
            if (series.Hash == hash && series.Matches(tags))
            {
                return series;
            }
        }

        return null;
    }

    private Series Add(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = new Series(tags.ToArray(), HashOf(tags), Kind == MetricKind.Histogram ? Bounds.Length : 0);
        _series.Add(series);
        return series;
    }

    // Independent of the order the tags come in, as is Matches. Weak on purpose: it only narrows the scan (Matches
    // decides), and a full string hash of every label of every measurement would cost more than all the rest.
    private static int HashOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var hash = 0;
        foreach (var tag in tags)
        {
            hash += (QuickHash(tag.Key) * 31) ^ QuickHash(tag.Value);
        }

        return hash;
    }

    private static int QuickHash(object? value) => value switch
    {
        null => 0,
        string { Length: 0 } => 1,
        string text => (text.Length << 16) ^ (text[0] << 8) ^ text[^1] ^ (text[text.Length / 2] << 4),
        _ => value.GetHashCode(),
    };

    private sealed class Series
    {
        private readonly KeyValuePair<string, object?>[] _tags;

        public Series(KeyValuePair<string, object?>[] tags, int hash, int buckets)
        {
            _tags = tags;
            Hash = hash;
            BucketCounts = new long[buckets];
            Labels = RenderLabels(tags);
        }

        public int Hash { get; }

        /// <summary>The label pairs as they go between the braces, e.g. interface="a",member="b".</summary>
        public string Labels { get; }

        public double Value { get; set; }

        /// <summary>Per bucket, not cumulative; the +Inf bucket is <see cref="Count"/>.</summary>
        public long[] BucketCounts { get; }

        public long Count { get; private set; }

        public double Sum { get; private set; }

        public void Observe(double value, double[] bounds)
        {
            Count++;
            Sum += value;
            for (var i = 0; i < bounds.Length; i++)
            {
                if (value <= bounds[i])
                {
                    BucketCounts[i]++;
                    return;
                }
            }
        }

        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length != _tags.Length)
            {
                return false;
            }

            foreach (var tag in tags)
            {
                if (!Contains(tag))
                {
                    return false;
                }
            }

            return true;
        }

        // A loop rather than a lambda: this runs for every measurement, and a closure would allocate.
        private bool Contains(KeyValuePair<string, object?> tag)
        {
            foreach (var own in _tags)
            {
                if (own.Key == tag.Key && Equals(own.Value, tag.Value))
                {
                    return true;
                }
            }

            return false;
        }

        private static string RenderLabels(KeyValuePair<string, object?>[] tags)
        {
            var text = new StringBuilder();
            foreach (var (name, value) in tags
                         .Select(t => (Name: PrometheusText.LabelName(t.Key), Value: Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? string.Empty))
                         .OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                if (text.Length > 0)
                {
                    text.Append(',');
                }

                text.Append(name).Append("=\"");
                PrometheusText.AppendLabelValue(text, value);
                text.Append('"');
            }

            return text.ToString();
        }
    }
}
