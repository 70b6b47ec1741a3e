using k8s.Models;
using Vks.Actors.Ports;
using Vks.App.Wiring;
using Vks.Node.Kubernetes;

namespace Vks.App.Tests.Wiring;

public sealed class KubernetesPodFeedTests
{
    private static readonly V1Pod Pod = new() { Metadata = new V1ObjectMeta { NamespaceProperty = "ns", Name = "web", Uid = "u1" } };

    [Fact]
    public void A_list_becomes_a_snapshot_with_its_resource_version()
    {
        var item = Assert.IsType<PodFeedSnapshot>(KubernetesPodFeed.ToFeedItem(new PodsListed([Pod], "42")));

        Assert.Same(Pod, Assert.Single(item.Pods));
        Assert.Equal("42", item.ResourceVersion);
    }

    [Fact]
    public void Added_and_modified_become_changes()
    {
        Assert.Same(Pod, Assert.IsType<PodFeedChange>(KubernetesPodFeed.ToFeedItem(new PodAdded(Pod))).Pod);
        Assert.Same(Pod, Assert.IsType<PodFeedChange>(KubernetesPodFeed.ToFeedItem(new PodModified(Pod))).Pod);
    }

    [Fact]
    public void Deleted_becomes_a_removal() =>
        Assert.Same(Pod, Assert.IsType<PodFeedRemoval>(KubernetesPodFeed.ToFeedItem(new PodDeleted(Pod))).Pod);

    [Fact]
    public void A_failed_watch_becomes_trouble()
    {
        var item = KubernetesPodFeed.ToFeedItem(new PodWatchFailed("503", TimeSpan.FromSeconds(4)));

        Assert.Equal(new PodFeedTrouble("503", TimeSpan.FromSeconds(4)), item);
    }
}

/// <summary>The feed over a real PodWatcher, fed by an in-memory pod source: the first list, then the watch.</summary>
public sealed class KubernetesPodFeedRunTests
{
    [Fact]
    public async Task The_feed_delivers_the_list_then_the_watch_events()
    {
        var pod = new V1Pod { Metadata = new V1ObjectMeta { NamespaceProperty = "ns", Name = "web", Uid = "u1", ResourceVersion = "6" } };
        var feed = new KubernetesPodFeed(new PodWatcher(new OnePodSource(pod)));
        var items = new List<PodFeedItem>();
        using var stop = new CancellationTokenSource();

        await feed.RunAsync(
            item =>
            {
                items.Add(item);
                if (items.Count == 2)
                {
                    stop.Cancel();
                }
            },
            stop.Token);

        Assert.Collection(
            items,
            first => Assert.Equal("5", Assert.IsType<PodFeedSnapshot>(first).ResourceVersion),
            second => Assert.Same(pod, Assert.IsType<PodFeedChange>(second).Pod));
        Assert.Equal("6", feed.ResourceVersion);
    }

    private sealed class OnePodSource(V1Pod pod) : IPodSource
    {
        public Task<V1PodList> ListAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new V1PodList { Items = [], Metadata = new V1ListMeta { ResourceVersion = "5" } });

        public async IAsyncEnumerable<(k8s.WatchEventType Type, V1Pod Pod)> WatchAsync(
            string resourceVersion, TimeSpan timeout, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            yield return (k8s.WatchEventType.Added, pod);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }
}
