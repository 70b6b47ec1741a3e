// JobRemoved correlation: a job's outcome reaches whoever queued it, whether the signal is handled before or after
// the reply that names the job, and nothing is kept once no call can claim it.
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vks.Systemd.DBus;
using Vks.Systemd.Manager;

namespace Vks.Systemd.Tests.Manager;

public sealed class JobTrackerTests
{
    [Fact]
    public void An_outcome_after_the_reply_completes_the_job()
    {
        var tracker = new JobTracker();
        long ticket = tracker.OpenWindow();
        Task<JobOutcome> completion = tracker.Track(ticket, Job(7));
        Assert.False(completion.IsCompleted);

        tracker.OnJobRemoved(Outcome(7, JobResult.Failed));

        Assert.Equal(JobResult.Failed, CompletedOutcome(completion).Result);
        Assert.Equal(0, tracker.KeptCount);
    }

    [Fact]
    public void An_outcome_handled_before_the_reply_is_kept_for_it()
    {
        var tracker = new JobTracker();
        long ticket = tracker.OpenWindow();

        tracker.OnJobRemoved(Outcome(7, JobResult.Dependency));
        Task<JobOutcome> completion = tracker.Track(ticket, Job(7));

        Assert.Equal(new JobOutcome(7, Job(7), "probe.service", JobResult.Dependency), CompletedOutcome(completion));
        Assert.Equal(0, tracker.KeptCount);
    }

    [Fact]
    public void Outcomes_of_other_clients_jobs_are_not_kept_when_no_call_is_in_flight()
    {
        var tracker = new JobTracker();

        tracker.OnJobRemoved(Outcome(7, JobResult.Done));

        Assert.Equal(0, tracker.KeptCount);
    }

    [Fact]
    public void A_kept_outcome_is_dropped_when_the_windows_open_at_its_arrival_close()
    {
        var tracker = new JobTracker();
        long first = tracker.OpenWindow();
        tracker.OnJobRemoved(Outcome(7, JobResult.Done));
        long second = tracker.OpenWindow();
        tracker.OnJobRemoved(Outcome(8, JobResult.Done));
        Assert.Equal(2, tracker.KeptCount);

        tracker.CloseWindow(first);
        Assert.Equal(1, tracker.KeptCount); // job 7 arrived before the second call was sent, so it cannot be its job

        _ = tracker.Track(second, Job(9));
        Assert.Equal(0, tracker.KeptCount);
    }

    [Fact]
    public void Two_calls_answered_with_the_same_merged_job_both_get_its_outcome()
    {
        var tracker = new JobTracker();
        long first = tracker.OpenWindow();
        long second = tracker.OpenWindow();
        Task<JobOutcome> firstCompletion = tracker.Track(first, Job(7));

        tracker.OnJobRemoved(Outcome(7, JobResult.Done));
        Task<JobOutcome> secondCompletion = tracker.Track(second, Job(7));

        Assert.Equal(JobResult.Done, CompletedOutcome(firstCompletion).Result);
        Assert.Equal(JobResult.Done, CompletedOutcome(secondCompletion).Result);
    }

    [Fact]
    public void Two_tracks_of_one_pending_job_share_its_completion()
    {
        var tracker = new JobTracker();

        Task<JobOutcome> first = tracker.Track(tracker.OpenWindow(), Job(7));
        Task<JobOutcome> second = tracker.Track(tracker.OpenWindow(), Job(7));

        Assert.Same(first, second);
    }

    [Fact]
    public void A_lost_connection_fails_pending_jobs_and_calls_in_flight_but_tracking_goes_on()
    {
        var tracker = new JobTracker();
        Task<JobOutcome> pending = tracker.Track(tracker.OpenWindow(), Job(7));
        long inFlight = tracker.OpenWindow();
        var lost = new DBusConnectionClosedException("lost");

        tracker.FailAll(lost);

        Assert.Same(lost, FailureOf(pending));
        Assert.Same(lost, FailureOf(tracker.Track(inFlight, Job(8))));
        Task<JobOutcome> later = tracker.Track(tracker.OpenWindow(), Job(9));
        tracker.OnJobRemoved(Outcome(9, JobResult.Done));
        Assert.Equal(JobResult.Done, CompletedOutcome(later).Result);
    }

    [Fact]
    public void An_outcome_that_arrived_before_the_connection_was_lost_still_counts()
    {
        var tracker = new JobTracker();
        long ticket = tracker.OpenWindow();
        tracker.OnJobRemoved(Outcome(7, JobResult.Done));

        tracker.FailAll(new DBusConnectionClosedException("lost"));

        Assert.Equal(JobResult.Done, CompletedOutcome(tracker.Track(ticket, Job(7))).Result);
    }

    [Fact]
    public void A_stopped_tracker_fails_pending_jobs_and_refuses_new_calls()
    {
        var tracker = new JobTracker();
        Task<JobOutcome> pending = tracker.Track(tracker.OpenWindow(), Job(7));
        var overflow = new DBusSubscriptionOverflowException("fell behind");

        tracker.Stop(overflow);

        Assert.Same(overflow, FailureOf(pending));
        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => tracker.OpenWindow());
        Assert.Same(overflow, refused.InnerException);
    }

    /// <summary>Many calls in flight, their replies and JobRemoved signals (and other clients' signals) handled in any
    /// interleaving that respects causality (a job is removed only after its call was sent): every call gets
    /// exactly its job's outcome, and nothing is kept at the end.</summary>
    [Property(MaxTest = 300)]
    public Property Every_call_gets_its_outcome_in_any_causal_interleaving() =>
        Prop.ForAll(Interleavings().ToArbitrary(), events =>
        {
            var tracker = new JobTracker();
            var tickets = new Dictionary<uint, long>();
            var completions = new Dictionary<uint, Task<JobOutcome>>();
            foreach ((string kind, uint job) in events)
            {
                switch (kind)
                {
                    case "send":
                        tickets[job] = tracker.OpenWindow();
                        break;
                    case "reply":
                        completions[job] = tracker.Track(tickets[job], Job(job));
                        break;
                    default:
                        tracker.OnJobRemoved(Outcome(job, (JobResult)(job % 12)));
                        break;
                }
            }

            foreach ((uint job, Task<JobOutcome> completion) in completions)
            {
                Assert.True(completion.IsCompletedSuccessfully, $"job {job} got no outcome");
                Assert.Equal(Job(job), completion.Result.Path);
                Assert.Equal((JobResult)(job % 12), completion.Result.Result);
            }

            Assert.Equal(0, tracker.KeptCount);
        });

    /// <summary>Jobs 1..n of ours, each as send → (reply, removed in either order); jobs 1000+ of other clients,
    /// removed at any time. The per-job sequences are merged at random.</summary>
    private static Gen<(string Kind, uint Job)[]> Interleavings() =>
        from ours in Gen.Choose(0, 8)
        from others in Gen.Choose(0, 4)
        from replyFirst in Gen.Elements(false, true).ArrayOf(ours)
        from slots in Gen.Choose(0, 1_000_000).ArrayOf((ours * 3) + others)
        select Merge(ours, others, replyFirst, slots);

    private static (string Kind, uint Job)[] Merge(int ours, int others, bool[] replyFirst, int[] slots)
    {
        var sequences = new List<Queue<(string, uint)>>();
        for (uint job = 1; job <= ours; job++)
        {
            string[] after = replyFirst[job - 1] ? ["reply", "removed"] : ["removed", "reply"];
            sequences.Add(new Queue<(string, uint)>([("send", job), (after[0], job), (after[1], job)]));
        }

        for (uint job = 1000; job < 1000 + others; job++)
        {
            sequences.Add(new Queue<(string, uint)>([("removed", job)]));
        }

        // Each slot picks which sequence advances next, so every merge of the sequences can come out.
        var merged = new List<(string, uint)>();
        int slot = 0;
        while (sequences.Count > 0)
        {
            int pick = slots[slot++ % slots.Length] % sequences.Count;
            merged.Add(sequences[pick].Dequeue());
            if (sequences[pick].Count == 0)
            {
                sequences.RemoveAt(pick);
            }
        }

        return [.. merged];
    }

    /// <summary>The tracker completes tasks synchronously, so a test never waits: an incomplete task is a failure.</summary>
    private static JobOutcome CompletedOutcome(Task<JobOutcome> completion)
    {
        Assert.True(completion.IsCompletedSuccessfully, $"the job's task is {completion.Status}");
        return completion.Result;
    }

    private static Exception FailureOf(Task<JobOutcome> completion)
    {
        Assert.True(completion.IsFaulted, $"the job's task is {completion.Status}");
        return completion.Exception!.InnerException!;
    }

    private static ObjectPath Job(uint id) => new($"/org/freedesktop/systemd1/job/{id}");

    private static JobOutcome Outcome(uint id, JobResult result) => new(id, Job(id), "probe.service", result);
}
