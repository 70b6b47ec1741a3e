// Reads each API response body whole, asynchronously, before KubernetesClient sees it. KubernetesClient deserializes
// a response with a synchronous JSON read from the response stream, so a thread-pool thread blocks until the body
// has arrived. With 200 pods starting, hundreds of status patches and events are in flight at once: measured, the
// pool grew from 16 to 80 threads while vks used no CPU for seconds, and pods waited 10 to 18 s to be reported Ready
// (docs/benchmarks.md, "Node agent"). Streams (a watch, a followed log) are passed through as they are: their body
// never ends.
namespace Vks.Node.Kubernetes;

public sealed class ResponseBufferingHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!ApiRequestKind.IsStream(request.RequestUri))
        {
            try
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }

        return response;
    }
}
