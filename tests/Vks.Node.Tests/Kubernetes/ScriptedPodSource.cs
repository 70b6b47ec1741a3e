// An IPodSource that plays a script: each list and each watch call takes the next step. When the script runs
// out, a call waits until cancelled, as an idle watch would. Every call is recorded for the test to check.
using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using Vks.Node.Kubernetes;

namespace Vks.Node.Tests.Kubernetes;

internal sealed class ScriptedPodSource : IPodSource
{
    private readonly Queue<Func<V1PodList>> _lists = new();
    private readonly Queue<Func<CancellationToken, IAsyncEnumerable<(WatchEventType, V1Pod)>>> _watches = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _called = new(0);

    private List<string> Calls { get; } = [];

    public ScriptedPodSource List(params V1Pod[] pods) => List(ResourceVersionOf(pods), pods);

    public ScriptedPodSource List(string resourceVersion, params V1Pod[] pods)
    {
        _lists.Enqueue(() => new V1PodList { Metadata = new V1ListMeta { ResourceVersion = resourceVersion }, Items = pods });
        return this;
    }

    public ScriptedPodSource ListFails(Exception error)
    {
        _lists.Enqueue(() => throw error);
        return this;
    }

    /// <summary>A watch that delivers <paramref name="events"/> and then is closed by the server.</summary>
    public ScriptedPodSource Watch(params (WatchEventType, V1Pod)[] events)
    {
        _watches.Enqueue(_ => Play(events, thenThrow: null));
        return this;
    }

    /// <summary>A watch that delivers <paramref name="events"/> and then fails with <paramref name="error"/>.</summary>
    public ScriptedPodSource WatchFails(Exception error, params (WatchEventType, V1Pod)[] events)
    {
        _watches.Enqueue(_ => Play(events, thenThrow: error));
        return this;
    }

    /// <summary>A watch that stays open, delivering nothing, until cancelled.</summary>
    public ScriptedPodSource WatchHangs()
    {
        _watches.Enqueue(Idle);
        return this;
    }

    public async Task<V1PodList> ListAsync(CancellationToken cancellationToken)
    {
        Func<V1PodList>? step;
        lock (_gate)
        {
            Calls.Add("list");
            _lists.TryDequeue(out step);
        }

        _called.Release();
        if (step is null)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return step!();
    }

    /// <summary>Waits until the watcher has made <paramref name="count"/> calls in all.</summary>
    public async Task WaitForCallsAsync(int count)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10)); // a hang guard, not a measurement
        while (true)
        {
            lock (_gate)
            {
                if (Calls.Count >= count)
                {
                    return;
                }
            }

            await _called.WaitAsync(guard.Token);
        }
    }

    public IReadOnlyList<string> CallsSoFar()
    {
        lock (_gate)
        {
            return [.. Calls];
        }
    }

    public IAsyncEnumerable<(WatchEventType Type, V1Pod Pod)> WatchAsync(string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Func<CancellationToken, IAsyncEnumerable<(WatchEventType, V1Pod)>>? step;
        lock (_gate)
        {
            Calls.Add($"watch@{resourceVersion}");
            _watches.TryDequeue(out step);
        }

        _called.Release();
        return (step ?? Idle)(cancellationToken);
    }

    private static async IAsyncEnumerable<(WatchEventType, V1Pod)> Play((WatchEventType, V1Pod)[] events, Exception? thenThrow)
    {
        foreach (var e in events)
        {
            await Task.Yield();
            yield return e;
        }

        if (thenThrow is not null)
        {
            throw thenThrow;
        }
    }

    private static async IAsyncEnumerable<(WatchEventType, V1Pod)> Idle([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }

    private static string ResourceVersionOf(V1Pod[] pods) =>
        pods.Select(p => long.Parse(p.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(1).Max()
            .ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static V1Pod Pod(string name, string resourceVersion, string? uid = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "default",
            Uid = uid ?? $"uid-{name}",
            ResourceVersion = resourceVersion,
        },
    };

    public static V1Pod Bookmark(string resourceVersion) => new()
    {
        Metadata = new V1ObjectMeta { ResourceVersion = resourceVersion },
    };
}
