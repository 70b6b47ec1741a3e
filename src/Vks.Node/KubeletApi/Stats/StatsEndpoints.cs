// The kubelet API's stats endpoints: GET /stats/summary (Summary JSON; the kubelet's only_cpu_and_memory parameter is
// accepted and changes nothing, CPU and memory being all vks reports) and GET /metrics/resource (Prometheus text).
// They assume the request is authenticated and authorized (subresource stats and metrics) by the server's middleware.
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vks.Node.KubeletApi.Metrics;

namespace Vks.Node.KubeletApi.Stats;

public static class StatsEndpoints
{
    /// <summary>Maps /stats/summary and /metrics/resource to the <see cref="StatsReporter"/> registered in DI.</summary>
    public static IEndpointRouteBuilder MapStats(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/stats/summary", WriteSummaryAsync);
        endpoints.MapGet("/metrics/resource", WriteResourceMetricsAsync);
        return endpoints;
    }

    private static async Task WriteSummaryAsync(HttpContext context)
    {
        StatsReporter reporter = context.RequestServices.GetRequiredService<StatsReporter>();
        StatsSummary summary = await reporter.GetSummaryAsync(context.RequestAborted);
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, summary, StatsSummaryJson.Default.StatsSummary, context.RequestAborted);
    }

    private static async Task WriteResourceMetricsAsync(HttpContext context)
    {
        StatsReporter reporter = context.RequestServices.GetRequiredService<StatsReporter>();
        string text = await reporter.GetResourceMetricsAsync(context.RequestAborted);
        context.Response.ContentType = PrometheusText.ContentType;
        await context.Response.WriteAsync(text, context.RequestAborted);
    }
}
