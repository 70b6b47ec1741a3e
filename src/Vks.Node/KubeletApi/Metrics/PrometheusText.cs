// The Prometheus text exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/):
// metric and label names, escaping, and numbers. Label values are anything a pod name, a D-Bus error or a test puts
// there, so every value goes through one escaping function.
using System.Globalization;
using System.Text;

namespace Vks.Node.KubeletApi.Metrics;

internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The metric name of an instrument: snake_case, prefixed vks_, with _seconds for a time in seconds
    /// (OpenTelemetry's unit "s") and _total for a counter, e.g. vks.dbus.calls → vks_dbus_calls_total.</summary>
    public static string MetricName(string instrumentName, string? unit, bool isCounter)
    {
        var name = SnakeCase(instrumentName);
        if (!name.StartsWith("vks_", StringComparison.Ordinal))
        {
            name = "vks_" + name;
        }

        if (unit == "s" && !name.EndsWith("_seconds", StringComparison.Ordinal))
        {
            name += "_seconds";
        }

        return isCounter && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
    }

    /// <summary>A valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with the reserved "__").</summary>
    public static string LabelName(string key)
    {
        var name = SnakeCase(key);
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            name = "_" + name;
        }

        return name.StartsWith("__", StringComparison.Ordinal) ? "x" + name : name;
    }

    /// <summary>Appends a label value inside its double quotes: backslash, double quote and line feed escaped, as
    /// the format asks; every other character (other control characters too) is taken literally by parsers.</summary>
    public static void AppendLabelValue(StringBuilder text, string value) => AppendEscaped(text, value, escapeQuote: true);

    /// <summary>HELP text: backslash and line feed escaped (a double quote is literal there).</summary>
    public static void AppendHelp(StringBuilder text, string help) => AppendEscaped(text, help, escapeQuote: false);

    private static void AppendEscaped(StringBuilder text, string value, bool escapeQuote)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    text.Append(@"\\");
                    break;
                case '"' when escapeQuote:
                    text.Append("\\\"");
                    break;
                case '\n':
                    text.Append(@"\n");
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }
    }

    /// <summary>A sample value as Go's ParseFloat reads it: +Inf, -Inf, NaN, or the shortest round-trip number.</summary>
    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    // Lower case; every run of characters outside [a-z0-9_] (dots, dashes, spaces) becomes one underscore.
    private static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            var lower = char.ToLowerInvariant(c);
            if (char.IsAsciiLetterLower(lower) || char.IsAsciiDigit(lower) || lower == '_')
            {
                text.Append(lower);
            }
            else if (text.Length == 0 || text[^1] != '_')
            {
                text.Append('_');
            }
        }

        return text.ToString();
    }
}
