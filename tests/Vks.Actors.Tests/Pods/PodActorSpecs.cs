using Akka.Actor;
using Akka.TestKit;
using k8s.Models;
using Vks.Actors.Debug;
using Vks.Actors.Pods;
using Xunit.Abstractions;
using static Vks.Actors.Pods.PodProtocol;
using static Vks.Actors.Tests.TestPods;

namespace Vks.Actors.Tests.Pods;

public sealed class PodActorSpecs(ITestOutputHelper output) : ActorSpec(output)
{
    [Fact]
    public void Init_containers_run_one_at_a_time_in_order_before_the_app_containers()
    {
        var pod = Pod([Shell("app"), Shell("sidecar")], initContainers: [Shell("first", "true"), Shell("second", "true")]);
        var (first, second, app, sidecar) = (UnitName(pod, "first"), UnitName(pod, "second"), UnitName(pod, "app"), UnitName(pod, "sidecar"));
        var (_, podActor) = Start(pod);

        AwaitAssert(() => Assert.Equal(1, Systemd.CountOf("start " + first)));
        Settle(podActor);
        Assert.Equal(["start " + first], Starts());

        Systemd.Exit(first, 0, autoRestart: false);
        AwaitAssert(() => Assert.Equal(1, Systemd.CountOf("start " + second)));
        Settle(podActor);
        Assert.Equal(["start " + first, "start " + second], Starts());

        Systemd.Exit(second, 0, autoRestart: false);
        AwaitAssert(() => Assert.Equal(4, Starts().Count));
        Assert.Equal(["start " + first, "start " + second], Starts().Take(2));
        Assert.Equal(new[] { "start " + app, "start " + sidecar }.Order(), Starts().Skip(2).Order());

        AwaitAssert(() =>
        {
            var status = Kubernetes.StatusesOf(Uid)[^1];
            Assert.Equal("Running", status.Phase);
            Assert.Equal("True", status.Conditions.Single(c => c.Type == "Initialized").Status);
            Assert.Equal("True", status.Conditions.Single(c => c.Type == "Ready").Status);
            Assert.All(status.InitContainerStatuses, s => Assert.Equal("Completed", s.State.Terminated?.Reason));
            Assert.All(status.ContainerStatuses, s => Assert.NotNull(s.State.Running));
            Assert.Equal(NodeIp, status.PodIP);
        });
    }

    [Fact]
    public void A_failed_init_container_of_a_pod_that_never_restarts_fails_the_pod_and_starts_nothing_else()
    {
        var pod = Pod([Shell("app")], initContainers: [Shell("setup", "exit 1")], restartPolicy: "Never");
        var setup = UnitName(pod, "setup");
        var (_, podActor) = Start(pod);
        AwaitAssert(() => Assert.Equal(1, Systemd.CountOf("start " + setup)));

        Systemd.Exit(setup, 1, autoRestart: false);

        AwaitAssert(() => Assert.Equal("Failed", Kubernetes.StatusesOf(Uid)[^1].Phase));
        Settle(podActor);
        Assert.Equal(["start " + setup], Starts());
    }

    [Fact]
    public void The_status_is_patched_only_when_it_changes()
    {
        var pod = Pod([Shell("app")]);
        var app = UnitName(pod, "app");
        var (_, podActor) = Start(pod);
        AwaitAssert(() => Assert.Equal("Running", Kubernetes.StatusesOf(Uid).LastOrDefault()?.Phase));
        var patches = Kubernetes.StatusesOf(Uid).Count;

        // The watch hands back what was written, and systemd repeats a state: nothing new to say.
        podActor.Tell(new PodUpdated(WithStatus(pod, Kubernetes.StatusesOf(Uid)[^1])));
        Systemd.Change(app, s => s);
        Advance(TimeSpan.FromMinutes(5));
        Settle(podActor);
        Assert.Equal(patches, Kubernetes.StatusesOf(Uid).Count);

        Systemd.Exit(app, 2, autoRestart: true);
        AwaitAssert(() => Assert.Equal("CrashLoopBackOff", Kubernetes.StatusesOf(Uid)[^1].ContainerStatuses[0].State.Waiting?.Reason));
        Assert.Equal(patches + 1, Kubernetes.StatusesOf(Uid).Count);
    }

    [Fact]
    public void A_lagging_watch_that_hands_back_an_older_status_causes_no_patch()
    {
        var pod = Pod([Shell("app")]);
        var (_, podActor) = Start(pod);
        AwaitAssert(() => Assert.True(Kubernetes.StatusesOf(Uid).LastOrDefault()?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True")));
        var statuses = Kubernetes.StatusesOf(Uid);
        var patches = statuses.Count;
        Advance(TimeSpan.FromSeconds(2));

        // Every status vks wrote before the last one comes back late, as a watch under load delivers them. Taking one
        // as the base would move the Ready condition's transition time and patch again, and again for each echo.
        foreach (var stale in statuses.Take(statuses.Count - 1))
        {
            podActor.Tell(new PodUpdated(WithStatus(pod, stale)));
        }
        Settle(podActor);

        Assert.Equal(patches, Kubernetes.StatusesOf(Uid).Count);
    }

    [Fact]
    public void A_status_write_the_API_server_refuses_for_now_is_retried_with_back_off()
    {
        Kubernetes.StatusOutcome = Vks.Actors.Ports.ApiWriteOutcome.Unavailable;
        var pod = Pod([Shell("app")]);
        var (_, podActor) = Start(pod);
        AwaitAssert(() => Assert.NotEmpty(Kubernetes.StatusesOf(Uid)));
        var refused = Kubernetes.StatusesOf(Uid).Count;
        Kubernetes.StatusOutcome = Vks.Actors.Ports.ApiWriteOutcome.Done;

        // Nothing is written again until the retry falls due (virtual time moves only here).
        AwaitAssert(() =>
        {
            Advance(PodActor.FirstRetry);
            Assert.Equal("Running", Kubernetes.StatusesOf(Uid)[^1].Phase);
        });
        Assert.True(Kubernetes.StatusesOf(Uid).Count > refused);
        Settle(podActor);
    }

    [Fact]
    public void A_deleted_pod_gets_SIGTERM_then_SIGKILL_after_its_grace_then_its_files_and_object_are_removed()
    {
        var pod = Pod([Shell("app"), Shell("sidecar")]);
        var (app, sidecar) = (UnitName(pod, "app"), UnitName(pod, "sidecar"));
        var (parent, podActor) = Start(pod);
        AwaitAssert(() => Assert.Equal(2, Starts().Count));
        Systemd.ProcessesIgnoreSigterm = true;

        podActor.Tell(new PodUpdated(Deleted(pod, gracePeriodSeconds: 5)));
        AwaitAssert(() => Assert.Equal(2, Systemd.Calls.Count(c => c.StartsWith("stop ", StringComparison.Ordinal))));
        Advance(TimeSpan.FromSeconds(4));
        Assert.Equal("Terminating", DumpOf<DumpProtocol.PodDump>(podActor).State);
        Assert.DoesNotContain(Systemd.Calls, c => c.StartsWith("kill", StringComparison.Ordinal));
        Assert.True(UnitFileExists(app) && UnitFileExists(sidecar));
        Assert.Empty(Kubernetes.Deletes);

        Advance(TimeSpan.FromSeconds(1));

        parent.ExpectMsg<PodFinished>(m => m.Uid == Uid);
        Assert.Contains($"kill {app} 9", Systemd.Calls);
        Assert.Contains($"kill {sidecar} 9", Systemd.Calls);
        Assert.False(UnitFileExists(app) || UnitFileExists(sidecar));
        var deleted = Assert.Single(Kubernetes.Deletes);
        Assert.Equal(Uid, deleted.Uid);
        Assert.Equal(2, Kubernetes.EventsOf("Killing").Count);
    }

    [Fact]
    public void A_pod_force_deleted_from_the_API_has_its_units_stopped_and_removed_without_a_delete()
    {
        var pod = Pod([Shell("app")]);
        var app = UnitName(pod, "app");
        var (parent, podActor) = Start(pod);
        AwaitAssert(() => Assert.Single(Starts()));

        podActor.Tell(new PodRemovedFromApi(Deleted(pod, gracePeriodSeconds: 0)));

        parent.ExpectMsg<PodFinished>();
        Assert.Contains("stop " + app, Systemd.Calls);
        Assert.False(UnitFileExists(app));
        Assert.Empty(Kubernetes.Deletes);
    }

    [Fact]
    public void A_pod_deleted_while_vks_was_away_has_its_running_unit_stopped_before_its_object_is_deleted()
    {
        var pod = Pod([Shell("app")]);
        var app = UnitName(pod, "app");
        WriteUnitAsVksWould(pod, "app");
        Systemd.Set(app, Systemd.Running(app, TimeSpan.FromMinutes(3)));

        var (parent, _) = Start(Deleted(pod, gracePeriodSeconds: 30));

        parent.ExpectMsg<PodFinished>();
        var calls = Systemd.Calls.ToList();
        Assert.True(calls.IndexOf("watch " + app) < calls.IndexOf("stop " + app));
        Assert.DoesNotContain("start " + app, calls);
        Assert.False(UnitFileExists(app));
        Assert.Single(Kubernetes.Deletes);
    }

    [Fact]
    public void A_pod_deleted_before_anything_ran_is_deleted_at_once()
    {
        Installer.CloseGate();
        Installer.Available("uptimed", "1:0.4.6-3");
        var pod = Pod([Package("app")]);
        var (parent, podActor) = Start(pod);
        AwaitAssert(() => Assert.Contains("install uptimed", Installer.Calls));

        podActor.Tell(new PodUpdated(Deleted(pod, gracePeriodSeconds: 30)));

        parent.ExpectMsg<PodFinished>();
        Assert.Single(Kubernetes.Deletes);
        Assert.Empty(Systemd.Calls);
        Installer.OpenGate();
    }

    [Fact]
    public void Units_the_pod_already_has_are_adopted_at_once_and_running_ones_are_not_started_again()
    {
        var pod = Pod([Shell("app")], initContainers: [Shell("setup", "true")]);
        var (setup, app) = (UnitName(pod, "setup"), UnitName(pod, "app"));
        var running = Start(pod);
        AwaitAssert(() => Assert.Equal(1, Systemd.CountOf("start " + setup)));
        Systemd.Exit(setup, 0, autoRestart: false);
        AwaitAssert(() => Assert.Equal("Running", Kubernetes.StatusesOf(Uid).LastOrDefault()?.Phase));
        var written = Kubernetes.StatusesOf(Uid)[^1];
        Watch(running.Pod);
        Sys.Stop(running.Pod);
        ExpectTerminated(running.Pod);
        var patches = Kubernetes.StatusesOf(Uid).Count;

        // vks restarted: a new PodActor for the same pod, whose object carries the status written before.
        var (_, adopted) = Start(WithStatus(pod, written));

        var dump = AwaitDump(adopted, d => d.Units.Count == 2 && d.Units.All(u => u.State == "Running"));
        Assert.Equal(["app", "setup"], dump.Units.Select(u => u.Container));
        Assert.Equal(1, Systemd.CountOf("start " + setup));
        Assert.Equal(1, Systemd.CountOf("start " + app));
        Assert.Equal(patches, Kubernetes.StatusesOf(Uid).Count);
    }

    [Fact]
    public void The_dump_shows_the_pod_and_its_units()
    {
        var pod = Pod([Shell("app")]);
        var (_, podActor) = Start(pod);
        AwaitAssert(() => Assert.Equal("Running", Kubernetes.StatusesOf(Uid).LastOrDefault()?.Phase));

        var dump = AwaitDump(podActor, d => d.Phase == "Running");

        Assert.Equal(("default", "web", Uid, "Running", 1L), (dump.Namespace, dump.Name, dump.Uid, dump.State, dump.Generation));
        var unit = Assert.Single(dump.Units);
        Assert.Equal((UnitName(pod, "app"), "Active", "running"), (unit.UnitName, unit.ActiveState, unit.SubState));
        Assert.Empty(dump.Unanswered);
    }

    private (TestProbe Parent, IActorRef Pod) Start(V1Pod pod)
    {
        var parent = CreateTestProbe();
        return (parent, parent.ChildActorOf(PodActor.Props(Services(), pod)));
    }

    private List<string> Starts() => Systemd.Calls.Where(c => c.StartsWith("start ", StringComparison.Ordinal)).ToList();

    private DumpProtocol.PodDump AwaitDump(IActorRef podActor, Func<DumpProtocol.PodDump, bool> matches)
    {
        DumpProtocol.PodDump? dump = null;
        AwaitCondition(() => matches(dump = DumpOf<DumpProtocol.PodDump>(podActor)));
        return dump!;
    }

    /// <summary>Lets the pod and its units handle everything sent so far: the first dump passes through every
    /// UnitActor (and what they report reaches the PodActor before their answer), the second through the PodActor.</summary>
    private void Settle(IActorRef podActor)
    {
        DumpOf<DumpProtocol.PodDump>(podActor);
        DumpOf<DumpProtocol.PodDump>(podActor);
    }
}
