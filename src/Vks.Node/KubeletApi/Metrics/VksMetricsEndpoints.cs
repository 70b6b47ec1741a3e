// GET /metrics: vks's own metrics (docs/metrics.md). The request is authenticated and authorized before it gets here
// (nodes/metrics). The state behind the gauges (pods, units, mailbox depths) lives in the actors, so each scrape
// first refreshes it, then collects.
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Vks.Node.KubeletApi.Metrics;

/// <summary>Brings the state the observable instruments report up to date (vks: asks the actor tree for its dump,
/// with a bounded wait). /metrics awaits it before every collection.</summary>
public delegate Task RefreshObservedMetrics(CancellationToken cancellationToken);

public static class VksMetricsEndpoints
{
    /// <summary>Maps GET /metrics. Needs a <see cref="VksMetricsExporter"/> (created at start-up, so the counters
    /// count from the first call) and a <see cref="RefreshObservedMetrics"/> in DI.</summary>
    public static IEndpointRouteBuilder MapVksMetrics(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // Resolved now, so a missing registration fails at start-up rather than at the first scrape.
        var exporter = endpoints.ServiceProvider.GetRequiredService<VksMetricsExporter>();
        var refresh = endpoints.ServiceProvider.GetRequiredService<RefreshObservedMetrics>();
        endpoints.MapGet("/metrics", async context =>
        {
            await refresh(context.RequestAborted).ConfigureAwait(false);
            var text = exporter.Collect();
            context.Response.ContentType = PrometheusText.ContentType;
            await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
        });
        return endpoints;
    }
}
