// Under the JIT, KubernetesClient falls back to reflection for the watch events, so reading a line works with or
// without WatchEventJson. What Native AOT needs is that the events come from the generated context: that is asserted.
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;
using Vks.Node.Kubernetes;

namespace Vks.Node.Tests.Kubernetes;

public sealed class WatchEventJsonTests
{
    [Fact]
    public void After_registration_the_events_of_every_watch_vks_opens_come_from_the_generated_context()
    {
        WatchEventJson.Register();
        WatchEventJson.Register(); // a second call changes nothing

        JsonSerializerOptions? options = null;
        KubernetesJson.AddJsonOptions(o => options = o);
        Assert.NotNull(options);
        foreach (var type in new[]
                 {
                     typeof(Watcher<KubernetesObject>.WatchEvent), typeof(Watcher<V1Status>.WatchEvent),
                     typeof(Watcher<V1Pod>.WatchEvent), typeof(Watcher<V1CertificateSigningRequest>.WatchEvent),
                 })
        {
            JsonTypeInfo info = options.GetTypeInfo(type);
            Assert.Same(WatchEventJsonContext.Default, info.OriginatingResolver);
        }

        Assert.Single(options.TypeInfoResolverChain, r => ReferenceEquals(r, WatchEventJsonContext.Default));
    }

    [Fact]
    public void A_pod_event_line_reads_with_its_type_and_object()
    {
        WatchEventJson.Register();

        var line = """{"type":"MODIFIED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web","uid":"u1"},"status":{"phase":"Running"}}}""";
        var parsed = KubernetesJson.Deserialize<Watcher<V1Pod>.WatchEvent>(line);

        Assert.Equal(WatchEventType.Modified, parsed.Type);
        Assert.Equal("web", parsed.Object.Metadata.Name);
        Assert.Equal("Running", parsed.Object.Status.Phase);
    }
}
