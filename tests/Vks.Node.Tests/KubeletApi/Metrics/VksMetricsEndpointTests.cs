// GET /metrics hosted on loopback HTTP (Kestrel, port 0) without the kubelet API's security middleware, which is
// tested with the server.
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Vks.Node.KubeletApi.Metrics;

namespace Vks.Node.Tests.KubeletApi.Metrics;

public sealed class VksMetricsEndpointTests : IAsyncLifetime
{
    private readonly Meter _meter = new("VksTests." + Guid.NewGuid().ToString("N"));
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private int _refreshes;

    public async Task InitializeAsync()
    {
        // The refresh sets the state the gauge reports, as vks' refresh takes the actor dump.
        _meter.CreateObservableGauge("test.refreshes", () => Volatile.Read(ref _refreshes));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(new VksMetricsExporter(_meter.Name));
        builder.Services.AddSingleton<RefreshObservedMetrics>(_ =>
        {
            Interlocked.Increment(ref _refreshes);
            return Task.CompletedTask;
        });
        _app = builder.Build();
        _app.MapVksMetrics();
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        _meter.Dispose();
    }

    [Fact]
    public async Task Metrics_are_served_as_Prometheus_text_0_0_4_refreshed_for_each_scrape()
    {
        _meter.CreateCounter<long>("test.calls").Add(4);

        using var first = await _client.GetAsync(new Uri("/metrics", UriKind.Relative));
        var second = await _client.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", first.Content.Headers.ContentType?.ToString());
        Assert.Equal(
            "# TYPE vks_test_calls_total counter\nvks_test_calls_total 4\n# TYPE vks_test_refreshes gauge\nvks_test_refreshes 1\n",
            await first.Content.ReadAsStringAsync());
        Assert.Contains("vks_test_refreshes 2\n", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_GET_is_served()
    {
        using var response = await _client.PostAsync(new Uri("/metrics", UriKind.Relative), new StringContent(""));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
