using System.Net;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Vks.Node.Kubernetes;
using static Vks.Node.Tests.Kubernetes.ScriptedPodSource;

namespace Vks.Node.Tests.Kubernetes;

public sealed class PodWatcherTests
{
    private static readonly TimeSpan WatchTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Lists_first_then_watches_from_the_list_and_tracks_every_resource_version()
    {
        var source = new ScriptedPodSource()
            .List("10", Pod("a", "7"))
            .Watch(
                (WatchEventType.Added, Pod("b", "11")),
                (WatchEventType.Modified, Pod("a", "12")),
                (WatchEventType.Bookmark, Bookmark("14")),
                (WatchEventType.Deleted, Pod("b", "15")))
            .WatchHangs();
        await using var run = Run.Start(source);

        var listed = await run.NextAsync<PodsListed>();
        Assert.Equal("10", listed.ResourceVersion);
        Assert.Equal(["a"], listed.Pods.Select(p => p.Metadata.Name));
        Assert.Equal("b", (await run.NextAsync<PodAdded>()).Pod.Metadata.Name);
        Assert.Equal("a", (await run.NextAsync<PodModified>()).Pod.Metadata.Name);
        Assert.Equal("b", (await run.NextAsync<PodDeleted>()).Pod.Metadata.Name); // the bookmark emits nothing

        // The first watch ended normally after delivering events: the next starts from the last one, without a list.
        await source.WaitForCallsAsync(3);
        Assert.Equal(["list", "watch@10", "watch@15"], source.CallsSoFar());
        Assert.Equal("15", run.Watcher.ResourceVersion);
    }

    [Fact]
    public async Task A_bookmark_alone_moves_the_resource_version_a_resumed_watch_starts_from()
    {
        var source = new ScriptedPodSource()
            .List("10")
            .Watch((WatchEventType.Bookmark, Bookmark("42")))
            .WatchHangs();
        await using var run = Run.Start(source);

        await run.NextAsync<PodsListed>();
        await source.WaitForCallsAsync(3);

        Assert.Equal(["list", "watch@10", "watch@42"], source.CallsSoFar());
        Assert.Equal("42", run.Watcher.ResourceVersion);
    }

    [Fact]
    public async Task A_410_error_event_lists_again_at_once_for_a_fresh_snapshot()
    {
        var source = new ScriptedPodSource()
            .List("10", Pod("a", "9"))
            .WatchFails(Expired(), (WatchEventType.Modified, Pod("a", "11")))
            .List("50", Pod("c", "49"))
            .WatchHangs();
        await using var run = Run.Start(source);

        await run.NextAsync<PodsListed>();
        await run.NextAsync<PodModified>();
        var relisted = await run.NextAsync<PodsListed>(); // no PodWatchFailed in between: a 410 is not a failure
        Assert.Equal("50", relisted.ResourceVersion);
        Assert.Equal(["c"], relisted.Pods.Select(p => p.Metadata.Name));

        await source.WaitForCallsAsync(4);
        Assert.Equal(["list", "watch@10", "list", "watch@50"], source.CallsSoFar());
    }

    [Fact]
    public async Task A_410_http_status_on_the_watch_request_lists_again()
    {
        var source = new ScriptedPodSource()
            .List("10")
            .Watch((WatchEventType.Added, Pod("a", "11")))
            .WatchFails(HttpError(HttpStatusCode.Gone, """{"kind":"Status","code":410,"reason":"Gone","message":"too old resource version"}"""))
            .List("60")
            .WatchHangs();
        await using var run = Run.Start(source);

        await run.NextAsync<PodsListed>();
        await run.NextAsync<PodAdded>();
        Assert.Equal("60", (await run.NextAsync<PodsListed>()).ResourceVersion);
        await source.WaitForCallsAsync(5);
        Assert.Equal(["list", "watch@10", "watch@11", "list", "watch@60"], source.CallsSoFar());
    }

    [Fact]
    public async Task A_410_right_after_a_list_backs_off_instead_of_listing_in_a_tight_loop()
    {
        var source = new ScriptedPodSource()
            .List("10")
            .WatchFails(Expired())
            .List("20")
            .WatchHangs();
        await using var run = Run.Start(source);

        await run.NextAsync<PodsListed>();
        var failed = await run.NextAsync<PodWatchFailed>();
        Assert.Contains("Expired", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(["list", "watch@10"], source.CallsSoFar());

        await run.Clock.AdvanceWhenDueAsync(failed.RetryIn);
        Assert.Equal("20", (await run.NextAsync<PodsListed>()).ResourceVersion);
    }

    [Fact]
    public async Task Other_failures_back_off_with_growing_delays_and_resume_from_the_last_resource_version()
    {
        var refused = new HttpRequestException("Connection refused (127.0.0.1:6443)");
        var source = new ScriptedPodSource()
            .List("10")
            .WatchFails(refused, (WatchEventType.Added, Pod("a", "11")))
            .WatchFails(refused)
            .WatchHangs();
        await using var run = Run.Start(source);

        await run.NextAsync<PodsListed>();
        await run.NextAsync<PodAdded>();
        var first = await run.NextAsync<PodWatchFailed>();
        Assert.Contains("Connection refused", first.Reason, StringComparison.Ordinal);
        Assert.InRange(first.RetryIn, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500));
        Assert.Equal(["list", "watch@10"], source.CallsSoFar()); // waiting, not retrying yet

        await run.Clock.AdvanceWhenDueAsync(first.RetryIn);
        var second = await run.NextAsync<PodWatchFailed>();
        Assert.InRange(second.RetryIn, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(1000));

        await run.Clock.AdvanceWhenDueAsync(second.RetryIn);
        await source.WaitForCallsAsync(4);
        Assert.Equal(["list", "watch@10", "watch@11", "watch@11"], source.CallsSoFar());
    }

    [Fact]
    public async Task A_failed_first_list_is_retried_after_a_backoff()
    {
        var source = new ScriptedPodSource()
            .ListFails(HttpError(HttpStatusCode.ServiceUnavailable, ""))
            .List("30")
            .WatchHangs();
        await using var run = Run.Start(source);

        var failed = await run.NextAsync<PodWatchFailed>();
        Assert.Null(run.Watcher.ResourceVersion);
        await run.Clock.AdvanceWhenDueAsync(failed.RetryIn);

        Assert.Equal("30", (await run.NextAsync<PodsListed>()).ResourceVersion);
    }

    [Fact]
    public async Task A_watch_closed_at_once_with_nothing_delivered_counts_as_a_failure()
    {
        var source = new ScriptedPodSource()
            .List("10")
            .Watch()
            .WatchHangs();
        await using var run = Run.Start(source);

        await run.NextAsync<PodsListed>();
        var failed = await run.NextAsync<PodWatchFailed>();
        Assert.Contains("closed the watch at once", failed.Reason, StringComparison.Ordinal);

        await run.Clock.AdvanceWhenDueAsync(failed.RetryIn);
        await source.WaitForCallsAsync(3);
        Assert.Equal(["list", "watch@10", "watch@10"], source.CallsSoFar());
    }

    [Fact]
    public async Task A_watch_silent_past_its_timeout_is_presumed_dead_and_resumed()
    {
        var source = new ScriptedPodSource()
            .List("10")
            .WatchHangs()
            .WatchHangs();
        await using var run = Run.Start(source);

        await run.NextAsync<PodsListed>();
        await source.WaitForCallsAsync(2);
        await run.Clock.AdvanceWhenDueAsync(WatchTimeout + PodWatcher.StallGrace);

        var failed = await run.NextAsync<PodWatchFailed>();
        Assert.Contains("presumed dead", failed.Reason, StringComparison.Ordinal);
        await run.Clock.AdvanceWhenDueAsync(failed.RetryIn);
        await source.WaitForCallsAsync(3);
        Assert.Equal(["list", "watch@10", "watch@10"], source.CallsSoFar());
    }

    [Fact]
    public async Task Objects_without_namespace_name_or_uid_are_dropped()
    {
        var nameless = Pod("x", "12");
        nameless.Metadata.Name = null;
        var source = new ScriptedPodSource()
            .List("10", Pod("a", "8"), Pod("no-uid", "9", uid: ""))
            .Watch((WatchEventType.Added, nameless), (WatchEventType.Added, Pod("b", "13")))
            .WatchHangs();
        await using var run = Run.Start(source);

        Assert.Equal(["a"], (await run.NextAsync<PodsListed>()).Pods.Select(p => p.Metadata.Name));
        Assert.Equal("b", (await run.NextAsync<PodAdded>()).Pod.Metadata.Name);
        await source.WaitForCallsAsync(3);
        Assert.Equal("watch@13", source.CallsSoFar()[^1]); // the dropped object's resourceVersion still counted
    }

    [Fact]
    public async Task Cancellation_ends_the_loop_cleanly_even_while_backing_off()
    {
        var source = new ScriptedPodSource().ListFails(new HttpRequestException("Connection refused"));
        var run = Run.Start(source);
        await run.NextAsync<PodWatchFailed>();

        await run.DisposeAsync(); // cancels and awaits the loop: it must not throw

        Assert.True(run.Loop.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_bug_is_not_retried_but_ends_the_loop_with_the_exception()
    {
        var source = new ScriptedPodSource().ListFails(new InvalidOperationException("a bug"));
        var run = Run.Start(source);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => run.Loop.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("a bug", error.Message);
    }

    private static KubernetesException Expired() =>
        new(new V1Status { Code = 410, Reason = "Expired", Message = "too old resource version: 10 (400)" });

    private static HttpOperationException HttpError(HttpStatusCode code, string body) => new($"Operation returned an invalid status code '{code}'")
    {
        Response = new HttpResponseMessageWrapper(new HttpResponseMessage(code), body),
    };

    private sealed class Run : IAsyncDisposable
    {
        private readonly Channel<PodWatchEvent> _events = Channel.CreateUnbounded<PodWatchEvent>();
        private readonly CancellationTokenSource _stop = new();

        private Run(ScriptedPodSource source)
        {
            Watcher = new PodWatcher(source, Clock, ExponentialBackoff.ForApiServer(), WatchTimeout);
            Loop = Task.Run(() => Watcher.RunAsync(e => _events.Writer.TryWrite(e), _stop.Token));
        }

        public ManualTimeProvider Clock { get; } = new();

        public PodWatcher Watcher { get; }

        public Task Loop { get; }

        public static Run Start(ScriptedPodSource source) => new(source);

        public async Task<T> NextAsync<T>()
            where T : PodWatchEvent
        {
            // A hang guard, not a measurement: the loop either emits or the test fails with what it got instead.
            var next = await _events.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            return Assert.IsType<T>(next);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Loop.WaitAsync(TimeSpan.FromSeconds(10));
            _stop.Dispose();
        }
    }
}
