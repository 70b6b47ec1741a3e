// IPodFeed over PodWatcher: the watcher owns list/watch/resourceVersion/410 handling; this only renames its events.
using k8s;
using Vks.Actors.Ports;
using Vks.Node.Kubernetes;

namespace Vks.App.Wiring;

internal sealed class KubernetesPodFeed(PodWatcher watcher) : IPodFeed
{
    public KubernetesPodFeed(IKubernetes client, string nodeName)
        : this(new PodWatcher(client, nodeName))
    {
    }

    public string? ResourceVersion => watcher.ResourceVersion;

    public Task RunAsync(Action<PodFeedItem> emit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emit);
        return watcher.RunAsync(watchEvent => emit(ToFeedItem(watchEvent)), cancellationToken);
    }

    internal static PodFeedItem ToFeedItem(PodWatchEvent watchEvent) => watchEvent switch
    {
        PodsListed listed => new PodFeedSnapshot(listed.Pods, listed.ResourceVersion),
        PodAdded added => new PodFeedChange(added.Pod),
        PodModified modified => new PodFeedChange(modified.Pod),
        PodDeleted deleted => new PodFeedRemoval(deleted.Pod),
        PodWatchFailed failed => new PodFeedTrouble(failed.Reason, failed.RetryIn),
        _ => throw new ArgumentOutOfRangeException(nameof(watchEvent), watchEvent, "Unknown pod watch event."),
    };
}
