// The handler in front of a fake transport: requests counted by verb and code, timed, watches told apart, failures
// counted without an answer. The exporter listens to Vks.Node from the test's start, so it sees only this test's
// requests (no other test sends any through the handler).
using System.Net;
using Vks.Node.Kubernetes;
using Vks.Node.KubeletApi.Metrics;

namespace Vks.Node.Tests.Kubernetes;

[Collection(MetricsCollection.Name)]
public sealed class KubernetesApiMetricsHandlerTests : IDisposable
{
    private readonly VksMetricsExporter _exporter = new(NodeMetrics.MeterName);
    private readonly FakeTransport _transport = new();
    private readonly HttpClient _client;

    public KubernetesApiMetricsHandlerTests() =>
        _client = new HttpClient(new KubernetesApiMetricsHandler { InnerHandler = _transport }) { BaseAddress = new Uri("https://127.0.0.1:6443") };

    public void Dispose()
    {
        _client.Dispose();
        _exporter.Dispose();
    }

    [Fact]
    public async Task Requests_are_counted_by_verb_and_code_and_timed_by_verb()
    {
        _transport.Answer = HttpStatusCode.OK;
        (await _client.GetAsync(new Uri("/api/v1/nodes/n1", UriKind.Relative))).Dispose();
        (await _client.GetAsync(new Uri("/api/v1/pods?fieldSelector=spec.nodeName%3Dn1", UriKind.Relative))).Dispose();
        _transport.Answer = HttpStatusCode.Conflict;
        (await _client.PatchAsync(new Uri("/api/v1/namespaces/default/pods/p/status", UriKind.Relative), new StringContent("{}"))).Dispose();
        _transport.Answer = HttpStatusCode.OK;
        (await _client.GetAsync(new Uri("/api/v1/pods?fieldSelector=spec.nodeName%3Dn1&resourceVersion=5&watch=true", UriKind.Relative))).Dispose();

        var text = _exporter.Collect();

        Assert.Contains("vks_api_requests_total{code=\"200\",verb=\"GET\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("vks_api_requests_total{code=\"409\",verb=\"PATCH\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("vks_api_requests_total{code=\"200\",verb=\"WATCH\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("vks_api_request_duration_seconds_count{verb=\"GET\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("vks_api_request_duration_seconds_count{verb=\"PATCH\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("vks_api_request_duration_seconds_count{verb=\"WATCH\"} 1\n", text, StringComparison.Ordinal);
        Assert.Equal(3, text.Split('\n').Count(l => l.StartsWith("vks_api_requests_total{", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_request_that_gets_no_answer_counts_as_an_error_and_a_cancelled_one_not_at_all()
    {
        _transport.Failure = new HttpRequestException("connection refused");
        await Assert.ThrowsAsync<HttpRequestException>(() => _client.PostAsync(new Uri("/api/v1/namespaces/default/events", UriKind.Relative), new StringContent("{}")));
        _transport.Failure = null;
        _transport.Hold = true;
        using var cancelled = new CancellationTokenSource();
        var delete = _client.DeleteAsync(new Uri("/api/v1/namespaces/default/pods/p", UriKind.Relative), cancelled.Token);
        await _transport.Entered.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => delete);

        var text = _exporter.Collect();

        Assert.Contains("vks_api_requests_total{code=\"error\",verb=\"POST\"} 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("DELETE", text, StringComparison.Ordinal);
        Assert.DoesNotContain("vks_api_request_duration_seconds_count{verb=\"POST\"}", text, StringComparison.Ordinal);
    }

    private sealed class FakeTransport : HttpMessageHandler
    {
        public HttpStatusCode Answer { get; set; } = HttpStatusCode.OK;

        public Exception? Failure { get; set; }

        /// <summary>Requests wait until they are cancelled; <see cref="Entered"/> says when one does.</summary>
        public bool Hold { get; set; }

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Yield();
            if (Hold)
            {
                Entered.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return Failure is { } failure ? throw failure : new HttpResponseMessage(Answer) { RequestMessage = request };
        }
    }
}

/// <summary>Tests that read the process-wide Vks.* meters run alone, so no other test's measurements mix in.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Process-wide metrics";
}
