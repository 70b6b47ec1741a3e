// The pods bound to one node, from the API server: fieldSelector spec.nodeName=<node>. The Node authorizer lets
// a node list and watch pods; the selector keeps the stream to this node's pods.
using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;

namespace Vks.Node.Kubernetes;

public sealed class KubernetesPodSource : IPodSource
{
    private readonly IKubernetes _client;
    private readonly string _fieldSelector;

    public KubernetesPodSource(IKubernetes client, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        _client = client;
        _fieldSelector = "spec.nodeName=" + EscapeFieldSelectorValue(nodeName);
    }

    public Task<V1PodList> ListAsync(CancellationToken cancellationToken) =>
        _client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: _fieldSelector, cancellationToken: cancellationToken);

    public async IAsyncEnumerable<(WatchEventType Type, V1Pod Pod)> WatchAsync(
        string resourceVersion, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // KubernetesClient hands ERROR events (and lines it cannot parse) to this callback, in the same call
        // that reads the next line, and carries on reading. Keep the first and end the watch with it.
        Exception? error = null;
        var events = _client.CoreV1.WatchListPodForAllNamespacesAsync(
            allowWatchBookmarks: true,
            fieldSelector: _fieldSelector,
            resourceVersion: resourceVersion,
            timeoutSeconds: (int)Math.Ceiling(timeout.TotalSeconds),
            onError: e => error ??= e,
            cancellationToken: cancellationToken);
        await using var reader = events.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            bool more;
            try
            {
                more = await reader.MoveNextAsync().ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (e.InnerException is EndOfStreamException)
            {
                // KubernetesClient peeks at the first line of a watch response; when the server ends a watch that
                // had nothing to say (its timeout passed with no event and no bookmark), the peek fails on the
                // empty body. That is a normal close.
                more = false;
            }

            if (error is not null)
            {
                throw error;
            }

            if (!more)
            {
                yield break;
            }

            yield return reader.Current;
        }
    }

    /// <summary>Field selector values escape '\', ',' and '=' with a backslash (apimachinery's fields.EscapeValue).</summary>
    internal static string EscapeFieldSelectorValue(string value) =>
        value.Replace(@"\", @"\\", StringComparison.Ordinal)
            .Replace(",", @"\,", StringComparison.Ordinal)
            .Replace("=", @"\=", StringComparison.Ordinal);
}
