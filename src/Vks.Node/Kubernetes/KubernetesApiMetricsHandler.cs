// Counts and times every request vks sends to the API server: it is the outermost handler of KubernetesClient's
// chain (new Kubernetes(config, new KubernetesApiMetricsHandler(), new ResponseBufferingHandler())), so the time runs
// to the whole response; for a watch or a followed log, to when it is open (its events stream after that).
using System.Diagnostics;
using System.Globalization;

namespace Vks.Node.Kubernetes;

public sealed class KubernetesApiMetricsHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var verb = new KeyValuePair<string, object?>("verb", VerbOf(request));
        long started = Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // vks stopped waiting (shutdown, a watch restarted): nothing the API server did.
            throw;
        }
        catch
        {
            NodeMetrics.ApiRequests.Add(1, verb, new("code", "error"));
            throw;
        }

        NodeMetrics.ApiRequestDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, verb);
        NodeMetrics.ApiRequests.Add(1, verb, new("code", ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)));
        return response;
    }

    /// <summary>The HTTP method, or WATCH for a GET that opens a watch: its time is not that of a GET.</summary>
    internal static string VerbOf(HttpRequestMessage request)
    {
        var method = request.Method.Method;
        return method == HttpMethod.Get.Method && ApiRequestKind.IsWatch(request.RequestUri) ? "WATCH" : method;
    }
}
