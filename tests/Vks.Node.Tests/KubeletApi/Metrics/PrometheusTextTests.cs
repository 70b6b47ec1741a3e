// Names and escaping of the text format. Label values come from pod names, container names and D-Bus error names:
// any string must come back intact through a parser of the format and stay on its one line.
using System.Diagnostics.Metrics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vks.Node.KubeletApi.Metrics;

namespace Vks.Node.Tests.KubeletApi.Metrics;

public sealed class PrometheusTextTests
{
    [Theory]
    [InlineData("vks.dbus.calls", null, true, "vks_dbus_calls_total")]
    [InlineData("vks.dbus.call.duration", "s", false, "vks_dbus_call_duration_seconds")]
    [InlineData("vks.actor.mailbox.depth", "{message}", false, "vks_actor_mailbox_depth")]
    [InlineData("requests", null, true, "vks_requests_total")]
    [InlineData("Vks.API Requests--total", null, true, "vks_api_requests_total")]
    [InlineData("uptime_seconds", "s", false, "vks_uptime_seconds")]
    public void Instrument_names_become_snake_case_metric_names(string instrument, string? unit, bool isCounter, string expected) =>
        Assert.Equal(expected, PrometheusText.MetricName(instrument, unit, isCounter));

    [Property(MaxTest = 300)]
    public Property Any_label_value_parses_back_intact_and_stays_on_one_line() =>
        Prop.ForAll(HostileStrings.Any, value =>
        {
            using var meter = new Meter("VksTests." + Guid.NewGuid().ToString("N"));
            using var exporter = new VksMetricsExporter(meter.Name);
            meter.CreateCounter<long>("hostile").Add(1, new KeyValuePair<string, object?>("v", value));

            var lines = exporter.Collect().Split('\n');

            Assert.Equal(["# TYPE vks_hostile_total counter", lines[1], ""], lines);
            const string Prefix = "vks_hostile_total{v=\"";
            const string Suffix = "\"} 1";
            Assert.StartsWith(Prefix, lines[1], StringComparison.Ordinal);
            Assert.EndsWith(Suffix, lines[1], StringComparison.Ordinal);
            Assert.Equal(value, Unescape(lines[1][Prefix.Length..^Suffix.Length]));
        });

    /// <summary>A label value's unescaping as Prometheus' parser does it: only \\, \" and \n are escapes, and an
    /// unescaped double quote would end the value.</summary>
    private static string Unescape(string escaped)
    {
        var text = new StringBuilder();
        for (var i = 0; i < escaped.Length; i++)
        {
            Assert.NotEqual('"', escaped[i]);
            if (escaped[i] != '\\')
            {
                text.Append(escaped[i]);
                continue;
            }

            i++;
            Assert.True(i < escaped.Length, "a lone backslash at the end");
            text.Append(escaped[i] switch
            {
                '\\' => '\\',
                '"' => '"',
                'n' => '\n',
                var other => throw new Xunit.Sdk.XunitException($"\\{other} is no escape of the format"),
            });
        }

        return text.ToString();
    }
}
