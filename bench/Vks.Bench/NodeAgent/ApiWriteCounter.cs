// API writes, counted by the API server itself: apiserver_request_total from its /metrics, mutating verbs only,
// compared before and after a window. The testbed's scheduler and controller-manager run without leader election
// and speak protobuf; vks (KubernetesClient) and this benchmark speak JSON, so the contentType label tells the
// control plane's writes from vks's, and the benchmark subtracts the writes it made itself.
using System.Globalization;
using System.Text.RegularExpressions;
using k8s;

namespace Vks.Bench.NodeAgent;

internal static partial class ApiWriteCounter
{
    private static readonly HashSet<string> WriteVerbs = new(["POST", "PUT", "PATCH", "DELETE", "DELETECOLLECTION", "APPLY"], StringComparer.Ordinal);

    /// <summary>Write requests so far, keyed "VERB resource[/subresource] contentType code".</summary>
    public static async Task<Dictionary<string, double>> ReadAsync(Kubernetes client)
    {
        string metrics = await client.HttpClient.GetStringAsync(new Uri(client.BaseUri, "/metrics"));
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (Match line in RequestTotal().Matches(metrics))
        {
            Dictionary<string, string> labels = Label().Matches(line.Groups["labels"].Value).ToDictionary(l => l.Groups["name"].Value, l => l.Groups["value"].Value, StringComparer.Ordinal);
            if (!WriteVerbs.Contains(labels.GetValueOrDefault("verb", "")))
            {
                continue;
            }

            string resource = labels["resource"] + (labels.GetValueOrDefault("subresource", "") is { Length: > 0 } sub ? "/" + sub : "");
            string contentType = labels.GetValueOrDefault("contentType", "") == "application/json" ? "json" : "protobuf";
            string key = $"{labels["verb"]} {resource} {contentType} {labels["code"]}";
            counts[key] = counts.GetValueOrDefault(key) + double.Parse(line.Groups["value"].Value, CultureInfo.InvariantCulture);
        }

        return counts;
    }

    /// <summary>after − before, leaving out what did not change.</summary>
    public static SortedDictionary<string, double> Delta(Dictionary<string, double> before, Dictionary<string, double> after)
    {
        var delta = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach ((string key, double value) in after)
        {
            double change = value - before.GetValueOrDefault(key);
            if (change != 0)
            {
                delta[key] = change;
            }
        }

        return delta;
    }

    public static string Format(SortedDictionary<string, double> delta) =>
        delta.Count == 0 ? "none" : string.Join("; ", delta.Select(entry => string.Create(CultureInfo.InvariantCulture, $"{entry.Key}: {entry.Value:F0}")));

    [GeneratedRegex(@"^apiserver_request_total\{(?<labels>[^}]*)\} (?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex RequestTotal();

    [GeneratedRegex("(?<name>[a-zA-Z_]+)=\"(?<value>[^\"]*)\"")]
    private static partial Regex Label();
}
