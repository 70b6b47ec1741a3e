using Akka.Actor;
using Akka.TestKit;
using Vks.Actors.Debug;
using Vks.Actors.Units;
using Vks.Node.Pods;
using Vks.Node.Status;
using Vks.Systemd.Manager;
using Xunit.Abstractions;
using static Vks.Actors.Tests.TestPods;
using static Vks.Actors.Units.UnitProtocol;

namespace Vks.Actors.Tests.Units;

public sealed class UnitActorSpecs(ITestOutputHelper output) : ActorSpec(output)
{
    [Fact]
    public void A_new_container_is_installed_written_watched_started_and_reported_running()
    {
        Installer.Available("uptimed", "1:0.4.6-3").WithUnit("uptimed", UptimedUnit);
        var pod = Pod([Package("app")]);
        var unitName = UnitName(pod, "app");
        var (parent, _) = Start(pod, "app");

        var running = ExpectObservation(parent, o => o.Unit?.ActiveState == UnitActiveState.Active);

        Assert.Equal("deb://uptimed=1:0.4.6-3", running.ImageId);
        Assert.Equal(unitName, running.UnitName);
        Assert.Equal(["query uptimed", "install uptimed", "query uptimed", "units uptimed"], Installer.Calls);
        var unit = ReadUnitFile(unitName)!;
        Assert.Equal(["/usr/sbin/uptimed -f"], unit.FindSection("Service")!.ValuesOf("ExecStart"));
        Assert.Equal(["notify"], unit.FindSection("Service")!.ValuesOf("Type"));
        // The package's own Type= decides when its daemon runs; activating is not "between fork and exec" here.
        Assert.False(running.StartsOnExec);
        // Watched before it is started, so no change of the start is missed. A new unit needs no daemon-reload on a
        // systemd that finds new unit files by itself (the specs' services say so, as systemd 252 does).
        Assert.Equal(["watch " + unitName, "start " + unitName], Systemd.Calls);
        AwaitAssert(() => Assert.Equal(
            ["Pulling", "Pulled", "Created", "Started"],
            Kubernetes.Events.Select(e => e.Reason)));
        Assert.All(Kubernetes.Events, e => Assert.Equal("spec.containers{app}", e.FieldPath));
    }

    [Fact]
    public void A_container_with_a_command_is_reported_as_started_on_exec()
    {
        var pod = Pod([Shell("app")]);
        var (parent, _) = Start(pod, "app");

        var running = ExpectObservation(parent, o => o.Unit?.ActiveState == UnitActiveState.Active);

        Assert.Equal(["exec"], ReadUnitFile(UnitName(pod, "app"))!.FindSection("Service")!.ValuesOf("Type"));
        Assert.True(running.StartsOnExec);
    }

    [Fact]
    public void A_failed_install_is_ErrImagePull_then_ImagePullBackOff_retried_after_10_s_doubling()
    {
        Installer.Available("uptimed", "1:0.4.6-3").Failing("uptimed", "Unable to fetch some archives");
        var (parent, unit) = Start(Pod([Package("app")]), "app");

        var first = ExpectObservation(parent, o => o.Image == ImagePhase.Failed);
        Assert.Equal("Unable to fetch some archives", first.ImageMessage);
        Assert.Equal(1, Installer.CountOf("install uptimed"));
        var failed = Assert.Single(Kubernetes.EventsOf("Failed"));
        Assert.Contains("Unable to fetch some archives", failed.Message, StringComparison.Ordinal);

        // 10 s after the first failure, then 20 s, then 40 s.
        foreach (var (delay, attempt) in new[] { (10, 2), (20, 3), (40, 4) })
        {
            Advance(TimeSpan.FromSeconds(delay) - TimeSpan.FromMilliseconds(1));
            Assert.Equal("ImageBackOff", DumpOf<DumpProtocol.UnitDump>(unit).State);
            Assert.Equal(attempt - 1, Installer.CountOf("install uptimed"));

            Advance(TimeSpan.FromMilliseconds(1));
            AwaitAssert(() => Assert.Equal(attempt, Installer.CountOf("install uptimed")));
            // Back in back-off: the next attempt's timer runs from here.
            AwaitAssert(() => Assert.Equal("ImageBackOff", DumpOf<DumpProtocol.UnitDump>(unit).State));
            if (attempt == 2)
            {
                var backOff = ExpectObservation(parent, o => o.Image == ImagePhase.BackOff);
                Assert.Equal("Unable to fetch some archives", backOff.ImageMessage);
            }
        }

        AwaitAssert(() => Assert.Equal(3, Kubernetes.EventsOf("BackOff").Count));
        Assert.DoesNotContain(Systemd.Calls, c => c.StartsWith("start", StringComparison.Ordinal));
    }

    [Fact]
    public void The_image_pull_back_off_stops_growing_at_5_minutes()
    {
        Assert.Equal(
            [10, 20, 40, 80, 160, 300, 300],
            Enumerable.Range(1, 7).Select(failures => ImagePullBackoff.DelayAfter(failures).TotalSeconds));
        Assert.Equal(ImagePhase.Failed, ImagePullBackoff.PhaseAfter(1));
        Assert.Equal(ImagePhase.BackOff, ImagePullBackoff.PhaseAfter(2));
    }

    [Fact]
    public void A_package_that_installs_after_a_failure_gets_its_container_started()
    {
        Installer.Available("uptimed", "1:0.4.6-3").WithUnit("uptimed", UptimedUnit).Failing("uptimed", "Temporary failure resolving 'deb.debian.org'");
        var (parent, _) = Start(Pod([Package("app")]), "app");
        ExpectObservation(parent, o => o.Image == ImagePhase.Failed);

        Installer.Succeeding("uptimed");
        Advance(ImagePullBackoff.Initial);

        var running = ExpectObservation(parent, o => o.Unit?.ActiveState == UnitActiveState.Active);
        Assert.Equal(ImagePhase.Pulled, running.Image);
        Assert.Null(running.ImageMessage);
    }

    [Fact]
    public void Never_with_a_missing_package_is_ErrImageNeverPull_and_installs_nothing()
    {
        Installer.Available("uptimed", "1:0.4.6-3");
        var (parent, _) = Start(Pod([Package("app", pullPolicy: "Never")]), "app");

        ExpectObservation(parent, o => o.Image == ImagePhase.NeverPullMissing);
        Assert.Equal(0, Installer.CountOf("install uptimed"));
    }

    [Fact]
    public void A_container_that_cannot_become_a_unit_is_CreateContainerConfigError_and_nothing_is_written()
    {
        // The package ships no unit and the container has no command: there is nothing to run.
        Installer.Available("uptimed", "1:0.4.6-3");
        var pod = Pod([Package("app")]);
        var (parent, _) = Start(pod, "app");

        var failed = ExpectObservation(parent, o => o.TranslationFailure is not null);
        Assert.Equal(TranslationFailure.CreateContainerConfigError, failed.TranslationFailure!.Reason);
        Assert.False(UnitFileExists(UnitName(pod, "app")));
        Assert.Empty(Systemd.Calls);
    }

    [Fact]
    public void An_invalid_image_is_InvalidImageName()
    {
        var (parent, _) = Start(Pod([Package("app", image: "docker.io/nginx:1.25")]), "app");

        var failed = ExpectObservation(parent, o => o.TranslationFailure is not null);
        Assert.Equal(TranslationFailure.InvalidImageName, failed.TranslationFailure!.Reason);
        Assert.Empty(Installer.Calls);
    }

    [Fact]
    public void Each_restart_by_systemd_doubles_RestartSec_and_10_minutes_of_running_resets_it()
    {
        var pod = Pod([Shell("app")]);
        var unitName = UnitName(pod, "app");
        var (parent, _) = Start(pod, "app");
        ExpectObservation(parent, o => o.Unit?.ActiveState == UnitActiveState.Active);
        Assert.Equal(CrashLoopBackoff.InitialDelay, RestartDelayOnDisk(unitName));

        Systemd.Exit(unitName, 1, autoRestart: true);
        var backingOff = ExpectObservation(parent, o => o.Unit?.SubState == "auto-restart");
        Assert.Equal(1, backingOff.LastTermination?.ExitCode);
        Assert.Single(Kubernetes.EventsOf("BackOff"));

        foreach (var expected in new[] { 20, 40, 80 })
        {
            Systemd.AutoRestart(unitName);
            AwaitAssert(() => Assert.Equal(TimeSpan.FromSeconds(expected), RestartDelayOnDisk(unitName)));
            if (expected < 80)
            {
                Systemd.Exit(unitName, 1, autoRestart: true);
            }
        }

        var restarted = ExpectObservation(parent, o => o.RestartDelay == TimeSpan.FromSeconds(80) && o.Unit?.SubState == "running");
        Assert.Equal(3u, restarted.Unit!.NRestarts);
        Assert.Equal(1, restarted.LastTermination?.ExitCode);

        Advance(CrashLoopBackoff.StableRun - TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(80), RestartDelayOnDisk(unitName));
        Advance(TimeSpan.FromSeconds(1));
        AwaitAssert(() => Assert.Equal(CrashLoopBackoff.InitialDelay, RestartDelayOnDisk(unitName)));
        Assert.Equal(1, Systemd.CountOf("start " + unitName));
    }

    [Fact]
    public void A_running_unit_of_the_pod_is_adopted_without_being_started_or_installed_again()
    {
        Installer.Available("uptimed", "1:0.4.6-3").Installed("uptimed", "1:0.4.6-3").WithUnit("uptimed", UptimedUnit);
        var pod = Pod([Package("app", pullPolicy: "Always")]);
        var unitName = UnitName(pod, "app");
        WriteUnitAsVksWould(pod, "app", UptimedUnit);
        Systemd.Set(unitName, Systemd.Running(unitName, TimeSpan.FromHours(2), restarts: 4));

        var (parent, _) = Start(pod, "app");

        var adopted = ExpectObservation(parent, o => o.Unit?.ActiveState == UnitActiveState.Active && o.ImageId is not null);
        Assert.Equal(4u, adopted.Unit!.NRestarts);
        Assert.Equal("deb://uptimed=1:0.4.6-3", adopted.ImageId);
        Assert.Equal(["watch " + unitName], Systemd.Calls);
        Assert.DoesNotContain(Installer.Calls, c => c.StartsWith("install", StringComparison.Ordinal));
        Assert.Empty(Kubernetes.Events);
    }

    [Fact]
    public void An_adopted_container_keeps_the_image_id_and_restart_count_written_before_without_asking_apt()
    {
        var pod = Pod([Package("app")]);
        var unitName = UnitName(pod, "app");
        WriteUnitAsVksWould(pod, "app", UptimedUnit);
        Systemd.Set(unitName, Systemd.Running(unitName, TimeSpan.FromHours(2), restarts: 4));
        var written = WithStatus(pod, new k8s.Models.V1PodStatus
        {
            Phase = "Running",
            ContainerStatuses = [new k8s.Models.V1ContainerStatus { Name = "app", Image = "uptimed", ImageID = "deb://uptimed=1:0.4.6-3", RestartCount = 6 }],
        });

        var (parent, _) = Start(written, "app");

        var adopted = ExpectObservation(parent, _ => true);
        Assert.Equal(UnitActiveState.Active, adopted.Unit?.ActiveState);
        Assert.Equal("deb://uptimed=1:0.4.6-3", adopted.ImageId);
        Assert.Equal(2, adopted.ActorRestarts);
        Assert.Empty(Installer.Calls);
    }

    [Fact]
    public void An_adopted_unit_that_was_written_but_never_started_is_started()
    {
        var pod = Pod([Shell("app")]);
        var unitName = UnitName(pod, "app");
        WriteUnitAsVksWould(pod, "app", null);

        var (parent, _) = Start(pod, "app");

        ExpectObservation(parent, o => o.Unit?.ActiveState == UnitActiveState.Active);
        Assert.Equal(["watch " + unitName, "start " + unitName], Systemd.Calls);
    }

    [Fact]
    public void A_unit_of_another_pod_with_the_same_name_is_waited_for_then_replaced_by_our_own()
    {
        var predecessor = Pod([Shell("app")], uid: "11111111-2222-3333-4444-555555555555");
        var pod = Pod([Shell("app")]);
        var unitName = UnitName(pod, "app");
        WriteUnitAsVksWould(predecessor, "app", null);

        var (parent, unit) = Start(pod, "app");
        AwaitAssert(() => Assert.Equal("WaitingForPredecessor", DumpOf<DumpProtocol.UnitDump>(unit).State));
        Assert.Empty(Systemd.Calls);

        File.Delete(Path.Combine(Store.Directory, unitName));
        Advance(UnitActor.RetryDelay);

        ExpectObservation(parent, o => o.Unit?.ActiveState == UnitActiveState.Active);
        Assert.Equal(Uid, Vks.Systemd.Units.KubernetesUnitMetadata.FromUnitFile(ReadUnitFile(unitName)!)!.PodUid);
    }

    [Fact]
    public void A_changed_image_replaces_the_container_with_the_new_package_version()
    {
        Installer.Available("uptimed", "1:0.4.6-2", "1:0.4.6-3").WithUnit("uptimed", UptimedUnit);
        var pod = Pod([Package("app", image: "uptimed:1:0.4.6-2")]);
        var unitName = UnitName(pod, "app");
        var (parent, unit) = Start(pod, "app");
        ExpectObservation(parent, o => o.Unit?.ActiveState == UnitActiveState.Active);

        unit.Tell(new PodChanged(WithImage(pod, "app", "uptimed:1:0.4.6-3")));

        var replaced = ExpectObservation(parent, o => o.Unit?.ActiveState == UnitActiveState.Active && o.ImageId == "deb://uptimed=1:0.4.6-3");
        Assert.Equal(1, replaced.ActorRestarts);
        Assert.Equal(143, replaced.LastTermination?.ExitCode);
        Assert.Equal("uptimed:1:0.4.6-3", Vks.Systemd.Units.KubernetesUnitMetadata.FromUnitFile(ReadUnitFile(unitName)!)!.Image);
        var calls = Systemd.Calls.ToList();
        Assert.True(calls.IndexOf("stop " + unitName) < calls.LastIndexOf("start " + unitName));
        Assert.Equal(2, Systemd.CountOf("start " + unitName));
        Assert.Contains("install uptimed=1:0.4.6-3", Installer.Calls);
        Assert.Single(Kubernetes.EventsOf("Killing"));
    }

    [Fact]
    public void Stopping_sends_SIGKILL_only_once_the_grace_period_is_over_then_removes_the_unit_file()
    {
        var pod = Pod([Shell("app")]);
        var unitName = UnitName(pod, "app");
        var (parent, unit) = Start(pod, "app");
        ExpectObservation(parent, o => o.Unit?.ActiveState == UnitActiveState.Active);
        Systemd.ProcessesIgnoreSigterm = true;
        Watch(unit);

        unit.Tell(new StopContainer(TimeSpan.FromSeconds(5)));
        ExpectObservation(parent, o => o.Unit?.ActiveState == UnitActiveState.Deactivating);

        Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(1));
        Assert.Equal("Stopping", DumpOf<DumpProtocol.UnitDump>(unit).State);
        Assert.DoesNotContain(Systemd.Calls, c => c.StartsWith("kill", StringComparison.Ordinal));
        Assert.True(UnitFileExists(unitName));

        Advance(TimeSpan.FromMilliseconds(1));
        ExpectTerminated(unit);
        var calls = Systemd.Calls.ToList();
        Assert.Contains($"kill {unitName} 9", calls);
        Assert.True(calls.IndexOf($"kill {unitName} 9") < calls.IndexOf("reset-failed " + unitName));
        Assert.False(UnitFileExists(unitName));
        Assert.Equal(0, Systemd.WatchersOf(unitName));
        Assert.Single(Kubernetes.EventsOf("Killing"));
    }

    [Fact]
    public void A_container_that_stops_on_SIGTERM_is_removed_without_SIGKILL()
    {
        var pod = Pod([Shell("app")]);
        var unitName = UnitName(pod, "app");
        var (parent, unit) = Start(pod, "app");
        ExpectObservation(parent, o => o.Unit?.ActiveState == UnitActiveState.Active);
        Watch(unit);

        unit.Tell(new StopContainer(TimeSpan.FromSeconds(30)));

        ExpectTerminated(unit);
        Assert.False(UnitFileExists(unitName));
        Assert.DoesNotContain(Systemd.Calls, c => c.StartsWith("kill", StringComparison.Ordinal));
    }

    [Fact]
    public void A_failed_init_container_is_started_again_after_the_back_off_and_counted()
    {
        var pod = Pod([Shell("app")], initContainers: [Shell("setup", "exit 3")]);
        var unitName = UnitName(pod, "setup");
        var (parent, unit) = Start(pod, "setup", isInit: true);
        ExpectObservation(parent, o => o.Unit?.ActiveState == UnitActiveState.Active);

        Systemd.Exit(unitName, 3, autoRestart: false);
        var failed = ExpectObservation(parent, o => o.Unit?.ActiveState == UnitActiveState.Failed);
        Assert.Equal(0, failed.ActorRestarts);

        Advance(CrashLoopBackoff.InitialDelay - TimeSpan.FromMilliseconds(1));
        DumpOf<DumpProtocol.UnitDump>(unit);
        Assert.Equal(1, Systemd.CountOf("start " + unitName));

        Advance(TimeSpan.FromMilliseconds(1));
        var retried = ExpectObservation(parent, o => o.ActorRestarts == 1 && o.Unit?.ActiveState == UnitActiveState.Active);
        Assert.Equal(3, retried.LastTermination?.ExitCode);
        Assert.Equal(TimeSpan.FromSeconds(20), retried.RestartDelay);
        Assert.Equal(2, Systemd.CountOf("start " + unitName));
    }

    [Fact]
    public void A_failed_init_container_of_a_pod_that_never_restarts_stays_failed()
    {
        var pod = Pod([Shell("app")], initContainers: [Shell("setup", "exit 3")], restartPolicy: "Never");
        var unitName = UnitName(pod, "setup");
        var (parent, unit) = Start(pod, "setup", isInit: true);
        ExpectObservation(parent, o => o.Unit?.ActiveState == UnitActiveState.Active);

        Systemd.Exit(unitName, 3, autoRestart: false);
        ExpectObservation(parent, o => o.Unit?.ActiveState == UnitActiveState.Failed);
        Advance(TimeSpan.FromMinutes(10));
        DumpOf<DumpProtocol.UnitDump>(unit);

        Assert.Equal(1, Systemd.CountOf("start " + unitName));
    }

    [Fact]
    public void The_dump_shows_the_unit_its_state_and_restarts()
    {
        var pod = Pod([Shell("app")]);
        var unitName = UnitName(pod, "app");
        var (parent, unit) = Start(pod, "app");
        ExpectObservation(parent, o => o.Unit?.ActiveState == UnitActiveState.Active);
        Systemd.Exit(unitName, 1, autoRestart: true);
        Systemd.AutoRestart(unitName);
        ExpectObservation(parent, o => o.Unit?.NRestarts == 1);

        // The parent sees the restart while the unit actor may still have a message queued behind it, and the dump
        // counts queued messages (one run of CI saw MailboxDepth 1). Once the mailbox is empty, the dump is exact.
        AwaitAssert(() => Assert.Equal(
            new DumpProtocol.UnitDump("app", false, "/bin/sh", "Running", unitName, "Active", "running", 1, Clock.Now, TimeSpan.FromSeconds(20)),
            DumpOf<DumpProtocol.UnitDump>(unit)));
    }

    private (TestProbe Parent, IActorRef Unit) Start(k8s.Models.V1Pod pod, string container, bool isInit = false)
    {
        var parent = CreateTestProbe();
        var unit = parent.ChildActorOf(UnitActor.Props(Services(), pod, container, isInit));
        return (parent, unit);
    }

    private static ContainerObservation ExpectObservation(TestProbe parent, Func<ContainerObservation, bool> matches) =>
        parent.FishForMessage<ContainerObserved>(m => matches(m.Observation), TimeSpan.FromSeconds(10)).Observation;

    private TimeSpan? RestartDelayOnDisk(string unitName) => CrashLoopBackoff.CurrentDelay(ReadUnitFile(unitName)!);
}
