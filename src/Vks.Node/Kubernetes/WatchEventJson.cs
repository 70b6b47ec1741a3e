// KubernetesClient reads each line of a watch as a Watcher<T>.WatchEvent. Its source-generated JSON context knows the
// model types but not those generic events, so it reads them by reflection, which Native AOT (how vks is compiled)
// cannot do: every line would fail and the watch would deliver nothing. This context knows the events of every watch
// vks opens, and Register puts it first in KubernetesJson's resolvers.
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Vks.Node.Kubernetes;

public static class WatchEventJson
{
    private static int _registered;

    /// <summary>Call once before the first request through KubernetesClient: its JSON options cannot change after
    /// their first use. Later calls do nothing.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            KubernetesJson.AddJsonOptions(options => options.TypeInfoResolverChain.Insert(0, WatchEventJsonContext.Default));
        }
    }
}

// KubernetesObject and V1Status: the watch reads every line as the first to learn its kind, and an error line as the
// second.
[JsonSerializable(typeof(Watcher<KubernetesObject>.WatchEvent))]
[JsonSerializable(typeof(Watcher<V1Status>.WatchEvent))]
[JsonSerializable(typeof(Watcher<V1Pod>.WatchEvent))]
[JsonSerializable(typeof(Watcher<V1CertificateSigningRequest>.WatchEvent))]
internal sealed partial class WatchEventJsonContext : JsonSerializerContext;
