using System.Net;
using k8s;
using k8s.Models;
using Vks.E2E.Testbed;
using Vks.Node.Kubernetes;

namespace Vks.E2E.Kubernetes;

/// <summary>The pod watch as the node, against the real API server: what a user does shows up as events.</summary>
[Collection(TestbedCollection.Name)]
public sealed class PodWatchTests(TestbedFixture fixture)
{
    private readonly Testbed.Testbed _testbed = fixture.Testbed;

    [Fact]
    public async Task Pods_bound_to_the_node_are_listed_then_added_modified_and_deleted_and_others_are_not_seen()
    {
        await using var context = await KubernetesTestContext.StartAsync(_testbed);
        await context.RegisterNodeAsync();
        var before = await context.CreatePodAsync("present-before");
        await context.CreatePodAsync("elsewhere", nodeName: "some-other-node");
        await using var watch = context.Watch();

        var listed = await watch.WaitForAsync<PodsListed>();
        Assert.Contains(listed.Pods, p => p.Metadata.Uid == before.Metadata.Uid);
        Assert.DoesNotContain(listed.Pods, p => p.Metadata.Name == "elsewhere");

        var pod = await context.CreatePodAsync("web");
        var added = await watch.WaitForAsync<PodAdded>(e => e.Pod.Metadata.Name == "web");
        Assert.Equal(pod.Metadata.Uid, added.Pod.Metadata.Uid);
        Assert.Equal(added.Pod.Metadata.ResourceVersion, watch.Watcher.ResourceVersion);

        (await _testbed.KubectlAsync("-n", context.Namespace, "label", "pod", "web", "tier=front")).EnsureSuccess("label pod");
        var modified = await watch.WaitForAsync<PodModified>(e => e.Pod.Metadata.Name == "web");
        Assert.Equal("front", modified.Pod.Metadata.Labels["tier"]);

        // A user's delete of a pod on a node is graceful: the pod only gets a deletionTimestamp, and the node
        // removes the object once its containers are gone, with grace 0 and the pod's UID.
        (await _testbed.KubectlAsync("-n", context.Namespace, "delete", "pod", "web", "--wait=false")).EnsureSuccess("delete pod");
        var terminating = await watch.WaitForAsync<PodModified>(e => e.Pod.Metadata.Name == "web" && e.Pod.Metadata.DeletionTimestamp is not null);
        var deleted = await new PodDeleter(context.NodeClient).DeleteAsync(PodReference.From(terminating.Pod), CancellationToken.None);
        Assert.Equal(PodDeleteOutcome.Deleted, deleted.Outcome);
        var gone = await watch.WaitForAsync<PodDeleted>(e => e.Pod.Metadata.Name == "web");
        Assert.Equal(pod.Metadata.Uid, gone.Pod.Metadata.Uid);

        Assert.DoesNotContain(watch.Seen, e => e is PodAdded { Pod.Metadata.Name: "elsewhere" });
        Assert.DoesNotContain(watch.Seen, e => e is PodWatchFailed);
    }

    [Fact]
    public async Task A_watch_resumed_from_an_expired_resource_version_gets_410_from_the_server_and_lists_again()
    {
        await using var context = await KubernetesTestContext.StartAsync(_testbed);
        var source = new ConnectionDroppingPodSource(new KubernetesPodSource(context.NodeClient, context.NodeName));
        await using var watch = context.Watch(source);
        var first = await watch.WaitForAsync<PodsListed>();

        // While the watch is cut off, the cluster's pod history moves on until the API server's watch cache no
        // longer reaches back to the resourceVersion the watch holds.
        await ChurnUntilExpiredAsync(context, first.ResourceVersion);
        source.DropConnection();

        var failed = await watch.WaitForAsync<PodWatchFailed>();
        Assert.Contains(ConnectionDroppingPodSource.Reason, failed.Reason, StringComparison.Ordinal);
        var relisted = await watch.WaitForAsync<PodsListed>(deadline: TimeSpan.FromSeconds(30));
        Assert.True(long.Parse(relisted.ResourceVersion) > long.Parse(first.ResourceVersion));
        Assert.Equal(1, source.ExpiredWatches); // the server, not the test, said 410

        // And the watch works on from the fresh list.
        await context.CreatePodAsync("after-relist");
        await watch.WaitForAsync<PodAdded>(e => e.Pod.Metadata.Name == "after-relist");
    }

    [Fact]
    public async Task A_watch_the_server_ends_with_nothing_to_say_is_a_normal_close()
    {
        await using var context = await KubernetesTestContext.StartAsync(_testbed);
        var source = new KubernetesPodSource(context.NodeClient, context.NodeName);
        var list = await source.ListAsync(CancellationToken.None);

        // No pod on the node changes and a 1 s watch gets no bookmark: the response body is empty.
        var events = new List<(WatchEventType, V1Pod)>();
        await foreach (var e in source.WatchAsync(list.Metadata.ResourceVersion, TimeSpan.FromSeconds(1), CancellationToken.None))
        {
            events.Add(e);
        }

        Assert.Empty(events);
    }

    /// <summary>Modifies a pod of no node until a watch from <paramref name="resourceVersion"/> is refused as expired.</summary>
    private static async Task ChurnUntilExpiredAsync(KubernetesTestContext context, string resourceVersion)
    {
        // Unbound and unschedulable (the only node is tainted and not Ready): nothing else touches it.
        await context.AdminClient.CoreV1.CreateNamespacedPodAsync(
            new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = "churn" },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "uptimed" }] },
            },
            context.Namespace);
        var probe = new KubernetesPodSource(context.AdminClient, context.NodeName);
        // The 1.20 watch cache keeps the last events of all pods; it grows instead of dropping its oldest while
        // that is younger than 75 s. So write gently until the held resourceVersion is that old, then quickly
        // until it falls out: a few hundred writes instead of thousands, about 80 s in all.
        var started = DateTime.UtcNow;
        var until = started + TimeSpan.FromMinutes(4);
        for (var round = 0; ; round++)
        {
            Assert.True(DateTime.UtcNow < until, $"resourceVersion {resourceVersion} did not expire after {round} rounds of churn");
            var writes = DateTime.UtcNow - started < TimeSpan.FromSeconds(80) ? 5 : 100;
            for (var i = 0; i < writes; i++)
            {
                var patch = new V1Patch(new { metadata = new { labels = new Dictionary<string, string> { ["round"] = $"{round}-{i}" } } }, V1Patch.PatchType.MergePatch);
                await context.AdminClient.CoreV1.PatchNamespacedPodAsync(patch, "churn", context.Namespace);
            }

            try
            {
                await foreach (var _ in probe.WatchAsync(resourceVersion, TimeSpan.FromSeconds(1), CancellationToken.None))
                {
                }
            }
            catch (KubernetesException e) when (e.Status?.Code == (int)HttpStatusCode.Gone)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The real pod source, except that the first watch is held back and then fails as a dropped connection
    /// would: the one thing a test cannot make a real server do on cue.
    /// </summary>
    private sealed class ConnectionDroppingPodSource(IPodSource inner) : IPodSource
    {
        public const string Reason = "simulated connection loss";
        private readonly TaskCompletionSource _drop = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _watches;
        private int _expired;

        public int ExpiredWatches => Volatile.Read(ref _expired);

        public void DropConnection() => _drop.TrySetResult();

        public Task<V1PodList> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

        public async IAsyncEnumerable<(WatchEventType Type, V1Pod Pod)> WatchAsync(
            string resourceVersion, TimeSpan timeout, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _watches) == 1)
            {
                await _drop.Task.WaitAsync(cancellationToken);
                throw new IOException(Reason);
            }

            await using var events = inner.WatchAsync(resourceVersion, timeout, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                bool more;
                try
                {
                    more = await events.MoveNextAsync();
                }
                catch (KubernetesException e) when (e.Status?.Code == (int)HttpStatusCode.Gone)
                {
                    Interlocked.Increment(ref _expired);
                    throw;
                }

                if (!more)
                {
                    yield break;
                }

                yield return events.Current;
            }
        }
    }
}
