// The resilient watch of the pods bound to this node (the model is KubeOps' ResourceWatcher):
//   list (a PodsListed snapshot) -> watch from the list's resourceVersion, with bookmarks -> ...
// - every event and bookmark moves the resourceVersion, so a watch that ends is resumed where it stopped;
// - the server closes a watch after its timeout (5 to 10 min, random like client-go's, so nodes spread out):
//   watch again from the last resourceVersion, at once;
// - 410 Gone (the resourceVersion was compacted away, as an HTTP status or a watch ERROR event): list again,
//   which yields a fresh snapshot;
// - any other failure of the API server: wait with exponential backoff and jitter, then resume (or list, if
//   there is nothing to resume from). A watch that stays silent well past its timeout is presumed dead.
// Bugs (anything that is not an API or transport failure) end the loop with the exception.
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Exceptions;
using k8s.Models;

namespace Vks.Node.Kubernetes;

public sealed class PodWatcher
{
    /// <summary>A watch that ends this soon with nothing delivered is a failure, so a server or proxy that
    /// accepts and closes at once cannot spin the loop.</summary>
    internal static readonly TimeSpan MinimumHealthyWatch = TimeSpan.FromSeconds(1);

    /// <summary>How long past its server-side timeout a watch may stay open before the connection is presumed dead
    /// (a vanished peer sends no FIN, and a read would wait forever).</summary>
    internal static readonly TimeSpan StallGrace = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan MinimumWatchTimeout = TimeSpan.FromMinutes(5);

    private readonly IPodSource _source;
    private readonly TimeProvider _time;
    private readonly ExponentialBackoff _backoff;
    private readonly TimeSpan? _watchTimeout;
    private string? _resourceVersion;

    public PodWatcher(IKubernetes client, string nodeName)
        : this(new KubernetesPodSource(client, nodeName))
    {
    }

    /// <param name="watchTimeout">The server-side timeout of each watch; null for a random 5 to 10 min.</param>
    public PodWatcher(IPodSource source, TimeProvider? time = null, ExponentialBackoff? backoff = null, TimeSpan? watchTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        _time = time ?? TimeProvider.System;
        _backoff = backoff ?? ExponentialBackoff.ForApiServer();
        _watchTimeout = watchTimeout;
    }

    /// <summary>The resourceVersion the watch would resume from; null before the first list and after a 410.</summary>
    public string? ResourceVersion => Volatile.Read(ref _resourceVersion);

    /// <summary>
    /// Lists and watches until <paramref name="cancellationToken"/> is cancelled, then returns. Events are handed
    /// to <paramref name="emit"/> one at a time, in order, on the loop's thread (an actor passes <c>Self.Tell</c>).
    /// </summary>
    public async Task RunAsync(Action<PodWatchEvent> emit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emit);
        while (true)
        {
            TimeSpan? retryIn = null;
            var listing = ResourceVersion is null;
            string? watchedFrom = null;
            try
            {
                if (listing)
                {
                    await ListAsync(emit, cancellationToken).ConfigureAwait(false);
                }

                watchedFrom = ResourceVersion!;
                if (!await WatchOnceAsync(watchedFrom, emit, cancellationToken).ConfigureAwait(false))
                {
                    retryIn = Failed("The API server closed the watch at once, with no event.", emit);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (ApiErrors.IsGone(e))
            {
                // Nothing since our resourceVersion can be replayed: list again for a fresh snapshot. A 410 on a
                // list, or on the watch from a list that we just took before it delivered anything, is the server
                // misbehaving rather than history moving on, so that one waits first (no list-410-list spin).
                var progressed = watchedFrom is not null && ResourceVersion != watchedFrom;
                Volatile.Write(ref _resourceVersion, null);
                retryIn = listing && !progressed ? Failed(ApiErrors.Describe(e), emit) : null;
            }
            catch (Exception e) when (IsApiFailure(e, cancellationToken))
            {
                retryIn = Failed(ApiErrors.Describe(e), emit);
            }

            if (retryIn is { } delay)
            {
                try
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private async Task ListAsync(Action<PodWatchEvent> emit, CancellationToken cancellationToken)
    {
        var list = await _source.ListAsync(cancellationToken).ConfigureAwait(false);
        var resourceVersion = list.Metadata?.ResourceVersion;
        if (string.IsNullOrEmpty(resourceVersion))
        {
            throw new KubernetesException("The pod list carries no resourceVersion, so no watch can start from it.");
        }

        var pods = (list.Items ?? []).Where(IsWhole).ToList();
        Volatile.Write(ref _resourceVersion, resourceVersion);
        emit(new PodsListed(pods, resourceVersion));
    }

    /// <summary>One watch, until the server ends it. False when it ended at once with nothing delivered.</summary>
    private async Task<bool> WatchOnceAsync(string from, Action<PodWatchEvent> emit, CancellationToken cancellationToken)
    {
        var timeout = _watchTimeout ?? MinimumWatchTimeout * (1 + Random.Shared.NextDouble());
        using var stall = new CancellationTokenSource(timeout + StallGrace, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stall.Token);
        var started = _time.GetTimestamp();
        var delivered = false;
        try
        {
            await foreach (var (type, pod) in _source.WatchAsync(from, timeout, linked.Token).ConfigureAwait(false))
            {
                delivered = true;
                if (pod?.Metadata?.ResourceVersion is { Length: > 0 } resourceVersion)
                {
                    Volatile.Write(ref _resourceVersion, resourceVersion);
                }

                PodWatchEvent? change = type switch
                {
                    WatchEventType.Added => new PodAdded(pod!),
                    WatchEventType.Modified => new PodModified(pod!),
                    WatchEventType.Deleted => new PodDeleted(pod!),
                    WatchEventType.Bookmark => null, // only moves the resourceVersion
                    _ => throw new KubernetesException($"The watch sent an event of type {type} that is not a Status."),
                };
                if (change is not null && IsWhole(pod))
                {
                    emit(change);
                }
            }
        }
        catch (OperationCanceledException) when (stall.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The watch stayed open {StallGrace.TotalSeconds:0} s past its {timeout.TotalSeconds:0} s timeout; the connection is presumed dead.");
        }

        return delivered || _time.GetElapsedTime(started) >= MinimumHealthyWatch;
    }

    private TimeSpan Failed(string reason, Action<PodWatchEvent> emit)
    {
        var delay = _backoff.NextDelay(_time.GetUtcNow());
        emit(new PodWatchFailed(reason, delay));
        return delay;
    }

    // The API server always sends these; an object without them cannot be told apart from others, so it is dropped.
    private static bool IsWhole(V1Pod? pod) =>
        !string.IsNullOrEmpty(pod?.Metadata?.Uid)
        && !string.IsNullOrEmpty(pod.Metadata.Name)
        && !string.IsNullOrEmpty(pod.Metadata.NamespaceProperty);

    private static bool IsApiFailure(Exception error, CancellationToken cancellationToken) =>
        ApiErrors.IsUnavailable(error, cancellationToken)
        || error is HttpOperationException // 401/403/404...: retrying picks up a fixed RBAC rule or certificate
            or KubernetesException // a watch ERROR event other than 410
            or KubernetesClientException
            or JsonException // a garbled body
            or TimeoutException; // a stalled watch
}
