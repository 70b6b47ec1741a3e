using Vks.Node.KubeletApi.Security;
using Vks.Node.Tests.Kubernetes;

namespace Vks.Node.Tests.KubeletApi.Security;

public sealed class DecisionCacheTests
{
    private readonly ManualTimeProvider _clock = new();
    private int _lookups;

    private Task<bool> Get(DecisionCache<string, bool> cache, string key, bool answer) =>
        cache.GetOrAddAsync(key, () => { _lookups++; return Task.FromResult(answer); },
            allowed => allowed ? TimeSpan.FromSeconds(30) : TimeSpan.FromSeconds(5), CancellationToken.None);

    [Fact]
    public async Task An_answer_is_reused_within_its_time_to_live_and_asked_again_after()
    {
        var cache = new DecisionCache<string, bool>(16, _clock);
        Assert.True(await Get(cache, "alice", true));
        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.True(await Get(cache, "alice", false));
        Assert.Equal(1, _lookups);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await Get(cache, "alice", false));
        Assert.Equal(2, _lookups);
    }

    [Fact]
    public async Task A_denial_keeps_for_its_own_shorter_time()
    {
        var cache = new DecisionCache<string, bool>(16, _clock);
        Assert.False(await Get(cache, "bob", false));
        _clock.Advance(TimeSpan.FromSeconds(4));
        Assert.False(await Get(cache, "bob", true));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await Get(cache, "bob", true));
        Assert.Equal(2, _lookups);
    }

    [Fact]
    public async Task Keys_are_kept_apart()
    {
        var cache = new DecisionCache<string, bool>(16, _clock);
        Assert.True(await Get(cache, "alice", true));
        Assert.False(await Get(cache, "bob", false));
        Assert.Equal(2, _lookups);
    }

    [Fact]
    public async Task A_failed_lookup_is_not_kept()
    {
        var cache = new DecisionCache<string, bool>(16, _clock);
        await Assert.ThrowsAsync<HttpRequestException>(() => cache.GetOrAddAsync(
            "alice", () => Task.FromException<bool>(new HttpRequestException("away")), _ => TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Equal(0, cache.Count);
        Assert.True(await Get(cache, "alice", true));
        Assert.Equal(1, _lookups);
    }

    [Fact]
    public async Task Concurrent_callers_share_one_lookup()
    {
        var cache = new DecisionCache<string, bool>(16, _clock);
        var answer = new TaskCompletionSource<bool>();
        var lookups = 0;
        var callers = Enumerable.Range(0, 10)
            .Select(_ => cache.GetOrAddAsync("alice", () => { Interlocked.Increment(ref lookups); return answer.Task; },
                _ => TimeSpan.FromSeconds(30), CancellationToken.None))
            .ToList();
        answer.SetResult(true);
        Assert.All(await Task.WhenAll(callers), Assert.True);
        Assert.Equal(1, lookups);
    }

    [Fact]
    public async Task A_caller_that_gives_up_does_not_cancel_the_lookup_for_the_others()
    {
        var cache = new DecisionCache<string, bool>(16, _clock);
        var answer = new TaskCompletionSource<bool>();
        using var impatient = new CancellationTokenSource();
        var first = cache.GetOrAddAsync("alice", () => answer.Task, _ => TimeSpan.FromSeconds(30), impatient.Token);
        var second = cache.GetOrAddAsync("alice", () => Task.FromResult(false), _ => TimeSpan.FromSeconds(30), CancellationToken.None);
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        answer.SetResult(true);
        Assert.True(await second);
    }

    [Fact]
    public async Task The_cache_never_grows_past_its_capacity_and_drops_expired_entries_first()
    {
        var cache = new DecisionCache<string, bool>(3, _clock);
        await Get(cache, "old-denied", false); // expires after 5 s
        await Get(cache, "a", true);
        await Get(cache, "b", true);
        _clock.Advance(TimeSpan.FromSeconds(6));
        await Get(cache, "c", true);
        Assert.Equal(3, cache.Count);

        // "a" and "b" are still live; the expired one made room, so they are answered without a lookup.
        _lookups = 0;
        await Get(cache, "a", true);
        await Get(cache, "b", true);
        Assert.Equal(0, _lookups);

        // Full of live entries: the oldest goes.
        await Get(cache, "d", true);
        Assert.Equal(3, cache.Count);
        await Get(cache, "a", true);
        Assert.Equal(2, _lookups);
    }
}
