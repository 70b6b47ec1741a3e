// The exporter against meters of the test's own (each test listens only to its meter, so tests running in parallel
// do not see each other's measurements): names, types, cumulative counters, histogram buckets, observed series.
using System.Diagnostics.Metrics;
using Vks.Node.KubeletApi.Metrics;

namespace Vks.Node.Tests.KubeletApi.Metrics;

public sealed class VksMetricsExporterTests : IDisposable
{
    private readonly Meter _meter = new("VksTests." + Guid.NewGuid().ToString("N"));
    private readonly VksMetricsExporter _exporter;

    public VksMetricsExporterTests() => _exporter = new VksMetricsExporter(_meter.Name);

    public void Dispose()
    {
        _exporter.Dispose();
        _meter.Dispose();
    }

    [Fact]
    public void Nothing_measured_writes_nothing()
    {
        _meter.CreateCounter<long>("test.requests");

        Assert.Equal(string.Empty, _exporter.Collect());
    }

    [Fact]
    public void A_counter_is_cumulative_per_label_set_across_scrapes()
    {
        var requests = _meter.CreateCounter<long>("test.requests", description: "Requests handled.");
        requests.Add(1, new KeyValuePair<string, object?>("code", "200"));
        requests.Add(2, new KeyValuePair<string, object?>("code", "200"));
        requests.Add(1, new KeyValuePair<string, object?>("code", "500"));

        Assert.Equal(
            Lines(
                "# HELP vks_test_requests_total Requests handled.",
                "# TYPE vks_test_requests_total counter",
                "vks_test_requests_total{code=\"200\"} 3",
                "vks_test_requests_total{code=\"500\"} 1"),
            _exporter.Collect());

        requests.Add(2, new KeyValuePair<string, object?>("code", "200"));
        Assert.Contains("vks_test_requests_total{code=\"200\"} 5\n", _exporter.Collect(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_histogram_has_cumulative_buckets_up_to_Inf_then_sum_and_count()
    {
        var duration = _meter.CreateHistogram(
            "test.duration", "s", "Time taken.", null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25, 1, 10] });
        // A value on a bound counts in that bucket (le: less than or equal).
        foreach (var value in new[] { 0.125, 0.25, 0.5, 20 })
        {
            duration.Record(value, new KeyValuePair<string, object?>("verb", "GET"));
        }

        Assert.Equal(
            Lines(
                "# HELP vks_test_duration_seconds Time taken.",
                "# TYPE vks_test_duration_seconds histogram",
                "vks_test_duration_seconds_bucket{verb=\"GET\",le=\"0.25\"} 2",
                "vks_test_duration_seconds_bucket{verb=\"GET\",le=\"1\"} 3",
                "vks_test_duration_seconds_bucket{verb=\"GET\",le=\"10\"} 3",
                "vks_test_duration_seconds_bucket{verb=\"GET\",le=\"+Inf\"} 4",
                "vks_test_duration_seconds_sum{verb=\"GET\"} 20.875",
                "vks_test_duration_seconds_count{verb=\"GET\"} 4"),
            _exporter.Collect());
    }

    [Fact]
    public void A_histogram_without_advice_gets_the_Prometheus_default_buckets()
    {
        var duration = _meter.CreateHistogram<double>("test.wait", "s");
        duration.Record(3);

        var text = _exporter.Collect();

        string[] bounds = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"];
        var buckets = text.Split('\n').Where(l => l.StartsWith("vks_test_wait_seconds_bucket", StringComparison.Ordinal)).ToArray();
        Assert.Equal(bounds.Select(b => $"le=\"{b}\""), buckets.Select(l => l[(l.IndexOf('{', StringComparison.Ordinal) + 1)..l.IndexOf('}', StringComparison.Ordinal)]));
        Assert.Equal(["0", "0", "0", "0", "0", "0", "0", "0", "0", "1", "1", "1"], buckets.Select(l => l.Split(' ')[1]));
    }

    [Fact]
    public void Observable_gauges_report_what_the_callback_says_at_each_scrape_and_drop_what_it_no_longer_says()
    {
        var depths = new List<Measurement<int>>
        {
            new(3, new KeyValuePair<string, object?>("actor", "a")),
            new(1, new KeyValuePair<string, object?>("actor", "b")),
        };
        _meter.CreateObservableGauge("test.depth", () => depths.ToArray(), description: "Depth.");

        Assert.Equal(
            Lines(
                "# HELP vks_test_depth Depth.",
                "# TYPE vks_test_depth gauge",
                "vks_test_depth{actor=\"a\"} 3",
                "vks_test_depth{actor=\"b\"} 1"),
            _exporter.Collect());

        depths.RemoveAt(0);
        depths[0] = new(7, new KeyValuePair<string, object?>("actor", "b"));
        Assert.Equal(
            Lines("# HELP vks_test_depth Depth.", "# TYPE vks_test_depth gauge", "vks_test_depth{actor=\"b\"} 7"),
            _exporter.Collect());

        depths.Clear();
        Assert.Equal(string.Empty, _exporter.Collect());
    }

    [Fact]
    public void Up_down_counters_and_gauges_are_gauges()
    {
        var inFlight = _meter.CreateUpDownCounter<int>("test.in_flight");
        inFlight.Add(3);
        inFlight.Add(-1);
        var temperature = _meter.CreateGauge<double>("test.temperature");
        temperature.Record(20.5);
        temperature.Record(-4);
        _meter.CreateObservableCounter("test.ticks", () => 42L);

        Assert.Equal(
            Lines(
                "# TYPE vks_test_in_flight gauge",
                "vks_test_in_flight 2",
                "# TYPE vks_test_temperature gauge",
                "vks_test_temperature -4",
                "# TYPE vks_test_ticks_total counter",
                "vks_test_ticks_total 42"),
            _exporter.Collect());
    }

    [Fact]
    public void Labels_are_sorted_named_validly_and_their_order_of_arrival_does_not_split_a_series()
    {
        var calls = _meter.CreateCounter<long>("test.calls");
        calls.Add(1, new("z.last", 1), new("a-first", "x"));
        calls.Add(1, new("a-first", "x"), new("z.last", 1));
        calls.Add(1, new("9lives", true), new("__reserved", null));

        Assert.Equal(
            Lines(
                "# TYPE vks_test_calls_total counter",
                "vks_test_calls_total{_9lives=\"True\",x__reserved=\"\"} 1",
                "vks_test_calls_total{a_first=\"x\",z_last=\"1\"} 2"),
            _exporter.Collect());
    }

    [Fact]
    public void Hostile_label_values_and_help_are_escaped()
    {
        var calls = _meter.CreateCounter<long>("test.calls", description: "Back\\slash \"quoted\"\nsecond line");
        calls.Add(1, new KeyValuePair<string, object?>("error", "a\\b\"c\nd\"} 1\nvks_fake 9"));

        Assert.Equal(
            Lines(
                "# HELP vks_test_calls_total Back\\\\slash \"quoted\"\\nsecond line",
                "# TYPE vks_test_calls_total counter",
                "vks_test_calls_total{error=\"a\\\\b\\\"c\\nd\\\"} 1\\nvks_fake 9\"} 1"),
            _exporter.Collect());
    }

    [Fact]
    public void An_instrument_whose_name_is_taken_by_another_kind_is_left_out()
    {
        _meter.CreateCounter<long>("test.same").Add(1);
        _meter.CreateGauge<long>("test.same.total").Record(5);

        Assert.Equal(Lines("# TYPE vks_test_same_total counter", "vks_test_same_total 1"), _exporter.Collect());
    }

    [Fact]
    public void Meters_outside_the_prefix_are_not_listened_to()
    {
        using var other = new Meter("Other." + Guid.NewGuid().ToString("N"));
        other.CreateCounter<long>("test.requests").Add(1);

        Assert.Equal(string.Empty, _exporter.Collect());
    }

    [Fact]
    public void Values_are_written_as_Prometheus_reads_them()
    {
        var values = _meter.CreateGauge<double>("test.value");
        values.Record(double.PositiveInfinity, new KeyValuePair<string, object?>("v", "a"));
        values.Record(double.NegativeInfinity, new KeyValuePair<string, object?>("v", "b"));
        values.Record(double.NaN, new KeyValuePair<string, object?>("v", "c"));
        values.Record(1e-7, new KeyValuePair<string, object?>("v", "d"));
        values.Record(123456789012, new KeyValuePair<string, object?>("v", "e"));

        Assert.Equal(
            Lines(
                "# TYPE vks_test_value gauge",
                "vks_test_value{v=\"a\"} +Inf",
                "vks_test_value{v=\"b\"} -Inf",
                "vks_test_value{v=\"c\"} NaN",
                "vks_test_value{v=\"d\"} 1E-07",
                "vks_test_value{v=\"e\"} 123456789012"),
            _exporter.Collect());
    }

    private static string Lines(params string[] lines) => string.Concat(lines.Select(l => l + "\n"));
}
