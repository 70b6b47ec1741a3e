// One watch on the pods of a benchmark namespace. Every event is stamped with Stopwatch.GetTimestamp() as soon as
// KubernetesClient hands it over, and that stamp is what a waiter gets: "seen by a watch" is the moment the benchmark
// process had the event, on the same clock as the create call's return and the kill.
using System.Diagnostics;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Vks.Bench.NodeAgent;

internal sealed class PodWatch : IAsyncDisposable
{
    private readonly IKubernetes _client;
    private readonly string _namespace;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, V1Pod> _latest = new(StringComparer.Ordinal);
    private readonly List<Waiter> _waiters = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private PodWatch(IKubernetes client, string @namespace)
    {
        _client = client;
        _namespace = @namespace;
    }

    public static async Task<PodWatch> StartAsync(IKubernetes client, string @namespace)
    {
        var watch = new PodWatch(client, @namespace);
        V1PodList list = await client.CoreV1.ListNamespacedPodAsync(@namespace);
        foreach (V1Pod pod in list.Items)
        {
            watch._latest[pod.Metadata.Name] = pod;
        }

        watch._loop = watch.RunAsync(list.Metadata.ResourceVersion);
        return watch;
    }

    /// <summary>The last state the watch saw of a pod, or null when it saw none (or saw it deleted).</summary>
    public V1Pod? Latest(string pod)
    {
        lock (_lock)
        {
            return _latest.GetValueOrDefault(pod);
        }
    }

    /// <summary>The Stopwatch timestamp of the first event from now on for which <paramref name="condition"/> holds.</summary>
    public Task<long> WhenAsync(string pod, Func<WatchEventType, V1Pod, bool> condition)
    {
        var waiter = new Waiter(pod, condition, new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_lock)
        {
            if (_loop.IsCompleted && _loop.Exception is { } failed)
            {
                return Task.FromException<long>(failed);
            }

            _waiters.Add(waiter);
        }

        return waiter.Seen.Task;
    }

    private async Task RunAsync(string resourceVersion)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                resourceVersion = await WatchOnceAsync(resourceVersion);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // disposed
        }
        catch (Exception error)
        {
            lock (_lock)
            {
                foreach (Waiter waiter in _waiters)
                {
                    waiter.Seen.TrySetException(error);
                }

                _waiters.Clear();
            }

            throw;
        }
    }

    /// <summary>Watches from <paramref name="resourceVersion"/> until the server closes the watch; returns where it got to.</summary>
    private async Task<string> WatchOnceAsync(string resourceVersion)
    {
        Exception? error = null;
        IAsyncEnumerable<(WatchEventType, V1Pod)> events = _client.CoreV1.WatchListNamespacedPodAsync(
            _namespace,
            allowWatchBookmarks: true,
            resourceVersion: resourceVersion,
            timeoutSeconds: 3600,
            onError: e => error ??= e,
            cancellationToken: _stop.Token);
        await using IAsyncEnumerator<(WatchEventType Type, V1Pod Pod)> reader = events.GetAsyncEnumerator(_stop.Token);
        while (true)
        {
            bool more;
            try
            {
                more = await reader.MoveNextAsync();
            }
            catch (HttpRequestException e) when (e.InnerException is EndOfStreamException)
            {
                // KubernetesClient peeks at the first line; a watch the server closed without any event fails that peek.
                more = false;
            }

            long seen = Stopwatch.GetTimestamp();
            if (error is not null)
            {
                throw new InvalidOperationException($"The pod watch on {_namespace} failed.", error);
            }

            if (!more)
            {
                return resourceVersion;
            }

            (WatchEventType type, V1Pod pod) = reader.Current;
            resourceVersion = pod.Metadata.ResourceVersion;
            if (type == WatchEventType.Bookmark)
            {
                continue;
            }

            Dispatch(type, pod, seen);
        }
    }

    private void Dispatch(WatchEventType type, V1Pod pod, long seen)
    {
        lock (_lock)
        {
            if (type == WatchEventType.Deleted)
            {
                _latest.Remove(pod.Metadata.Name);
            }
            else
            {
                _latest[pod.Metadata.Name] = pod;
            }

            _waiters.RemoveAll(waiter => waiter.Pod == pod.Metadata.Name && waiter.Condition(type, pod) && waiter.Seen.TrySetResult(seen));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // the namespace went first
        }

        _stop.Dispose();
    }

    private sealed record Waiter(string Pod, Func<WatchEventType, V1Pod, bool> Condition, TaskCompletionSource<long> Seen);
}
