// The pods bound to this node, as a stream of items the NodeSupervisor pipes to itself: a snapshot first (and again
// after every re-list), then the changes in order. The adapter owns list/watch/resourceVersion/410 handling.
using k8s.Models;

namespace Vks.Actors.Ports;

public abstract record PodFeedItem
{
    private protected PodFeedItem()
    {
    }
}

/// <summary>Every pod bound to the node as of <paramref name="ResourceVersion"/>; pods not in it are gone.</summary>
public sealed record PodFeedSnapshot(IReadOnlyList<V1Pod> Pods, string ResourceVersion) : PodFeedItem;

/// <summary>A pod was added or changed.</summary>
public sealed record PodFeedChange(V1Pod Pod) : PodFeedItem;

/// <summary>The pod object is gone from the API (its last state), or no longer bound to this node.</summary>
public sealed record PodFeedRemoval(V1Pod Pod) : PodFeedItem;

/// <summary>The feed failed and tries again in <paramref name="RetryIn"/>; for logs and the debug dump.</summary>
public sealed record PodFeedTrouble(string Reason, TimeSpan RetryIn) : PodFeedItem;

public interface IPodFeed
{
    /// <summary>The resourceVersion the feed would resume from (moved by bookmarks too); for the debug dump.</summary>
    string? ResourceVersion { get; }

    /// <summary>Lists and watches until <paramref name="cancellationToken"/> is cancelled, then returns. Items go to
    /// <paramref name="emit"/> one at a time, in order.</summary>
    Task RunAsync(Action<PodFeedItem> emit, CancellationToken cancellationToken);
}
