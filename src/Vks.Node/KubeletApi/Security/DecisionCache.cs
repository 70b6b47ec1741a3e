// A short-lived memory of authentication and authorization answers, like the kubelet's webhook caches: `kubectl logs
// -f` and metrics scrapers send the same credentials over and over, and each answer costs a round trip to the API
// server. Allowed and denied answers keep for different times (a denial should lift soon after an operator adds a
// RoleBinding). Concurrent requests for the same key share one lookup instead of each asking the API server.
// Bounded: at capacity, expired entries go first, then the oldest. A failed lookup (API server away) is not kept.
namespace Vks.Node.KubeletApi.Security;

internal sealed class DecisionCache<TKey, TValue>
    where TKey : notnull
{
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _byAge = new(); // oldest first

    public DecisionCache(int capacity, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentNullException.ThrowIfNull(time);
        _capacity = capacity;
        _time = time;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// The cached answer for <paramref name="key"/>, or the one <paramref name="lookup"/> gives, kept for
    /// <paramref name="timeToLive"/>(answer). The lookup runs without the caller's cancellation, since other callers
    /// may be waiting for it; each caller stops waiting when its own token fires.
    /// </summary>
    public Task<TValue> GetOrAddAsync(TKey key, Func<Task<TValue>> lookup, Func<TValue, TimeSpan> timeToLive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        ArgumentNullException.ThrowIfNull(timeToLive);
        Entry entry;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_entries.TryGetValue(key, out var found) && found.Value.ExpiresAt > now)
            {
                return found.Value.Answer.Task.WaitAsync(cancellationToken);
            }
            if (found is not null)
            {
                Remove(found);
            }
            if (_entries.Count >= _capacity)
            {
                MakeRoom(now);
            }

            entry = new Entry(key);
            _entries[key] = _byAge.AddLast(entry);
        }

        _ = CompleteAsync(entry, lookup, timeToLive);
        return entry.Answer.Task.WaitAsync(cancellationToken);
    }

    private async Task CompleteAsync(Entry entry, Func<Task<TValue>> lookup, Func<TValue, TimeSpan> timeToLive)
    {
        TValue answer;
        try
        {
            answer = await lookup().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                if (_entries.TryGetValue(entry.Key, out var node) && node.Value == entry)
                {
                    Remove(node);
                }
            }
            // Every waiter sees the failure; none is kept for the next request.
            entry.Answer.SetException(e);
            return;
        }

        lock (_gate)
        {
            entry.ExpiresAt = _time.GetUtcNow() + timeToLive(answer);
        }
        entry.Answer.SetResult(answer);
    }

    private void MakeRoom(DateTimeOffset now)
    {
        for (var node = _byAge.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.ExpiresAt <= now)
            {
                Remove(node);
            }
            node = next;
        }
        while (_entries.Count >= _capacity && _byAge.First is { } oldest)
        {
            Remove(oldest);
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _byAge.Remove(node);
        _entries.Remove(node.Value.Key);
    }

    private sealed class Entry(TKey key)
    {
        public TKey Key { get; } = key;

        // Until the lookup completes, the entry is live: concurrent callers share it.
        public DateTimeOffset ExpiresAt { get; set; } = DateTimeOffset.MaxValue;

        public TaskCompletionSource<TValue> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
