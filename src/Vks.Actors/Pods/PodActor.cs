// One pod, one PodActor (named after the pod's UID); one UnitActor per container below it. Lifecycle:
//   Discovering  which containers already have a unit of this pod (vks restarted, or this actor did): their
//                UnitActors start at once and adopt them, so nothing waits behind init ordering and nothing restarts
//   Running      init containers one at a time, in order, each after the previous one completed with exit 0; then
//                every app container. A pod already Initialized, or finished (Succeeded/Failed), starts nothing new.
//                Status: built from the UnitActors' observations (PodStatusBuilder) once each has reported, and
//                patched only when it differs from the last written one (PodStatusComparer), one patch at a time
//   Terminating  deletionTimestamp set: every UnitActor stops its container (SIGTERM, SIGKILL after the grace),
//                waits until the unit has stopped, removes its unit file, and stops; the pod waits for all of them
//   Deleting     then the pod object is deleted with grace 0 and a UID precondition; then the actor stops.
// A pod gone from the API (force delete) is Terminating without the delete. A changed image is the UnitActor's
// business: it replaces its own container.
using Akka.Actor;
using Akka.Event;
using k8s.Models;
using Vks.Actors.Debug;
using Vks.Actors.Ports;
using Vks.Actors.Units;
using Vks.Node.Pods;
using Vks.Node.Status;
using Vks.Systemd.Manager;
using Vks.Systemd.Units;
using static Vks.Actors.Pods.PodProtocol;
using Vks.Node.Kubernetes;

namespace Vks.Actors.Pods;

internal sealed class PodActor : ReceiveActor, IWithStash, IWithTimers
{
    internal static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    private readonly PodServices _services;
    private readonly PodReference _identity;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, IActorRef> _units = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _containerOf = [];
    private readonly Dictionary<string, ContainerObservation> _observations = new(StringComparer.Ordinal);

    // Containers whose UnitActor gave up (it failed too often); created again after the next change of the pod.
    private readonly HashSet<string> _crashed = new(StringComparer.Ordinal);

    private V1Pod _pod;

    // The status as vks last wrote it: the base of the next one (condition times, start time) and what a new one is
    // compared with. It is taken from the API only until vks has written one. A watch event can be older than vks'
    // last patch (under load the watch lags), and taking its status would move condition times back and forth: each
    // patch would then trigger another, a storm of thousands of patches measured with 200 pods.
    private V1PodStatus? _written;
    private bool _wroteStatus;
    private string _lifecycle = "Discovering";
    private bool _patching;
    private bool _statusGone;
    private TimeSpan _patchRetry = FirstRetry;
    private bool _deleteObject = true;
    private TimeSpan _deleteRetry = FirstRetry;
    private bool _finished;

    public PodActor(PodServices services, V1Pod pod)
    {
        _services = services;
        _pod = pod;
        _written = pod.Status;
        _identity = PodReference.From(pod);
        Discovering();
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(PodServices services, V1Pod pod) => Akka.Actor.Props.Create(() => new PodActor(services, pod));

    protected override SupervisorStrategy SupervisorStrategy() =>
        // A UnitActor that keeps failing is given up on (Terminated) rather than restarted in a hot loop.
        new OneForOneStrategy(maxNrOfRetries: 10, withinTimeRange: TimeSpan.FromMinutes(1), localOnlyDecider: _ => Directive.Restart);

    protected override void PreStart() => Discover();

    protected override void PostRestart(Exception reason)
    {
        base.PostRestart(reason);
        Context.Parent.Tell(new PodActorRestarted(_identity.Uid));
    }

    protected override void PostStop() => _stopping.Cancel();

    // ---- Discovering ---------------------------------------------------------------------------------------------

    private void Discovering()
    {
        Receive<UnitsDiscovered>(OnUnitsDiscovered);
        Receive<RetryDiscover>(_ => Discover());
        Receive<DumpProtocol.DumpState>(_ => ReplyDump());
        ReceiveAny(_ => Stash.Stash());
    }

    private void Discover()
    {
        var store = _services.UnitFiles;
        var identity = _identity;
        var containers = Containers(_pod).Select(c => c.Container.Name).ToArray();
        var token = _stopping.Token;
        Task.Run(() => DiscoverAsync(store, identity, containers, token), token)
            .PipeTo(Self, success: found => new UnitsDiscovered(found, null), failure: error => new UnitsDiscovered(new HashSet<string>(), error.Message));
    }

    private void OnUnitsDiscovered(UnitsDiscovered discovered)
    {
        if (discovered.Error is not null)
        {
            _log.Warning("Looking for the units of {0} failed, trying again: {1}", _identity, discovered.Error);
            Timers.StartSingleTimer(RetryDiscover.Instance, RetryDiscover.Instance, FirstRetry);
            return;
        }

        foreach (var (container, isInit) in Containers(_pod))
        {
            if (discovered.Containers.Contains(container.Name))
            {
                CreateUnitActor(container.Name, isInit);
            }
        }

        _lifecycle = "Running";
        Become(Running);
        Stash.UnstashAll();
        if (_pod.Metadata?.DeletionTimestamp is not null)
        {
            BeginTerminating(PodGrace.ForDeletion(_pod));
            return;
        }

        EnsureContainers();
    }

    // ---- Running -------------------------------------------------------------------------------------------------

    private void Running()
    {
        Receive<PodUpdated>(m => OnPodUpdated(m.Pod));
        Receive<PodRemovedFromApi>(m => OnRemovedFromApi(m.LastState));
        Receive<UnitProtocol.ContainerObserved>(m =>
        {
            _observations[m.Container] = m.Observation;
            EnsureContainers();
            PatchStatus();
        });
        Receive<Terminated>(m =>
        {
            if (ForgetUnitActor(m.ActorRef) is { } container)
            {
                _log.Error("The UnitActor of container {0} of {1} failed too often; it is created again after the pod's next change.", container, _identity);
                _crashed.Add(container);
            }
        });
        ReceiveStatusPatches();
        Receive<DumpProtocol.DumpState>(_ => ReplyDump());
    }

    private void OnPodUpdated(V1Pod pod)
    {
        TakeUpdate(pod);
        _crashed.Clear();
        if (pod.Metadata?.DeletionTimestamp is not null)
        {
            BeginTerminating(PodGrace.ForDeletion(pod));
            return;
        }

        foreach (var unit in _units.Values)
        {
            unit.Tell(new UnitProtocol.PodChanged(pod));
        }

        EnsureContainers();
        PatchStatus();
    }

    private void EnsureContainers()
    {
        var spec = _pod.Spec;
        if (spec is null || _written?.Phase is PodStatusBuilder.Succeeded or PodStatusBuilder.Failed)
        {
            return;
        }

        if (!WasInitialized())
        {
            foreach (var init in spec.InitContainers ?? [])
            {
                if (!_units.ContainsKey(init.Name))
                {
                    CreateUnitActor(init.Name, isInit: true);
                    return;
                }

                if (!InitCompleted(init.Name))
                {
                    return;
                }
            }
        }

        foreach (var container in spec.Containers ?? [])
        {
            if (!_units.ContainsKey(container.Name))
            {
                CreateUnitActor(container.Name, isInit: false);
            }
        }
    }

    private void CreateUnitActor(string container, bool isInit)
    {
        if (_units.ContainsKey(container) || _crashed.Contains(container))
        {
            return;
        }

        var unit = Context.ActorOf(UnitActor.Props(_services, _pod, container, isInit), ActorNames.For("unit-", container));
        Context.Watch(unit);
        _units[container] = unit;
        _containerOf[unit] = container;
    }

    private string? ForgetUnitActor(IActorRef unit)
    {
        if (!_containerOf.Remove(unit, out var container))
        {
            return null;
        }

        _units.Remove(container);
        return container;
    }

    private bool WasInitialized() =>
        _written?.Conditions?.Any(c => c.Type == PodStatusBuilder.Initialized && c.Status == "True") == true;

    private bool InitCompleted(string container) =>
        _observations.TryGetValue(container, out var observation)
        && observation.Unit is { ExecMainCode: ChildExitCode.Exited, ExecMainStatus: 0, ActiveState: UnitActiveState.Active or UnitActiveState.Inactive };

    // ---- Status --------------------------------------------------------------------------------------------------

    private void ReceiveStatusPatches()
    {
        Receive<PatchAnswered>(OnPatchAnswered);
        Receive<RetryPatch>(_ => PatchStatus());
    }

    private void PatchStatus()
    {
        // Before every UnitActor has reported, the status would show adopted containers as still being created.
        if (_statusGone || _patching || Timers.IsTimerActive(RetryPatch.Instance) || _units.Keys.Any(c => !_observations.ContainsKey(c)))
        {
            return;
        }

        var previous = new V1Pod { Metadata = _pod.Metadata, Spec = _pod.Spec, Status = _written };
        var next = PodStatusBuilder.Build(previous, _observations.Values.ToArray(), _services.Host.NodeIp, Context.System.Scheduler.Now);
        if (!PodStatusComparer.Differs(_written, next))
        {
            return;
        }

        _patching = true;
        _services.PodApi.PatchStatusAsync(_identity, next, _stopping.Token)
            .PipeTo(
                Self,
                success: result => new PatchAnswered(result, next),
                failure: error => new PatchAnswered(new ApiWriteResult(ApiWriteOutcome.Unavailable, error.Message), next));
    }

    private void OnPatchAnswered(PatchAnswered answered)
    {
        _patching = false;
        switch (answered.Result.Outcome)
        {
            case ApiWriteOutcome.Done:
                _written = answered.Status;
                _wroteStatus = true;
                _patchRetry = FirstRetry;
                // Observations that came in meanwhile.
                PatchStatus();
                break;
            case ApiWriteOutcome.Gone:
                _log.Info("{0} is gone from the API; its status is no longer written: {1}", _identity, answered.Result.Detail);
                _statusGone = true;
                break;
            default:
                _log.Warning("Writing the status of {0} failed, trying again in {1}: {2}", _identity, _patchRetry, answered.Result.Detail);
                Timers.StartSingleTimer(RetryPatch.Instance, RetryPatch.Instance, _patchRetry);
                _patchRetry = Longer(_patchRetry);
                break;
        }
    }

    private void TakeUpdate(V1Pod pod)
    {
        _pod = pod;
        if (!_wroteStatus)
        {
            _written = pod.Status;
        }
    }

    // ---- Terminating and Deleting --------------------------------------------------------------------------------

    private void OnRemovedFromApi(V1Pod lastState)
    {
        _deleteObject = false;
        _statusGone = true;
        BeginTerminating(PodGrace.ForDeletion(lastState));
    }

    private void BeginTerminating(TimeSpan grace)
    {
        if (_lifecycle != "Terminating")
        {
            _log.Info("Stopping the containers of {0} (grace {1})", _identity, grace);
            _lifecycle = "Terminating";
            Become(Terminating);
        }

        // Again with a shorter grace shortens it (a force delete after a graceful one).
        foreach (var unit in _units.Values)
        {
            unit.Tell(new UnitProtocol.StopContainer(grace));
        }

        WhenAllStopped();
    }

    private void Terminating()
    {
        Receive<UnitProtocol.ContainerObserved>(m =>
        {
            _observations[m.Container] = m.Observation;
            PatchStatus();
        });
        Receive<Terminated>(m =>
        {
            _ = ForgetUnitActor(m.ActorRef);
            WhenAllStopped();
        });
        Receive<PodUpdated>(m =>
        {
            TakeUpdate(m.Pod);
            BeginTerminating(PodGrace.ForDeletion(m.Pod));
        });
        Receive<PodRemovedFromApi>(m => OnRemovedFromApi(m.LastState));
        ReceiveStatusPatches();
        Receive<DumpProtocol.DumpState>(_ => ReplyDump());
    }

    private void WhenAllStopped()
    {
        if (_units.Count > 0)
        {
            return;
        }

        if (!_deleteObject)
        {
            Finish();
            return;
        }

        _lifecycle = "Deleting";
        Become(Deleting);
        DeleteObject();
    }

    private void Deleting()
    {
        Receive<DeleteAnswered>(answered =>
        {
            if (answered.Result.Outcome == ApiWriteOutcome.Unavailable)
            {
                _log.Warning("Deleting {0} failed, trying again in {1}: {2}", _identity, _deleteRetry, answered.Result.Detail);
                Timers.StartSingleTimer(RetryDelete.Instance, RetryDelete.Instance, _deleteRetry);
                _deleteRetry = Longer(_deleteRetry);
                return;
            }

            // Deleted, already gone, or the name belongs to a successor (which is left alone).
            Finish();
        });
        Receive<RetryDelete>(_ => DeleteObject());
        Receive<PodRemovedFromApi>(_ => Finish());
        Receive<PodUpdated>(m =>
        {
            _pod = m.Pod;
        });
        Receive<PatchAnswered>(_ => { });
        Receive<DumpProtocol.DumpState>(_ => ReplyDump());
    }

    private void DeleteObject() =>
        _services.PodApi.DeleteAsync(_identity, _stopping.Token)
            .PipeTo(
                Self,
                success: result => new DeleteAnswered(result),
                failure: error => new DeleteAnswered(new ApiWriteResult(ApiWriteOutcome.Unavailable, error.Message)));

    private void Finish()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        _log.Info("{0} is finished: its units are gone", _identity);
        Context.Parent.Tell(new PodFinished(_identity.Uid));
        Context.Stop(Self);
    }

    // ---- Shared --------------------------------------------------------------------------------------------------

    private void ReplyDump()
    {
        var units = _units.ToArray();
        var dump = new DumpProtocol.PodDump(
            _identity.Namespace, _identity.Name, _identity.Uid, _lifecycle, _written?.Phase, _pod.Metadata?.Generation, [], [])
        {
            MailboxDepth = DumpProtocol.MailboxDepthOf(Context),
        };
        AggregateDumpAsync(dump, units).PipeTo(Sender);
    }

    private static async Task<DumpProtocol.PodDump> AggregateDumpAsync(DumpProtocol.PodDump dump, KeyValuePair<string, IActorRef>[] units)
    {
        var answers = await Task.WhenAll(units.Select(async unit =>
        {
            try
            {
                return (unit.Key, Dump: await unit.Value.Ask<DumpProtocol.UnitDump>(DumpProtocol.DumpState.Instance, DumpProtocol.ChildTimeout).ConfigureAwait(false));
            }
            catch (AskTimeoutException)
            {
                return (unit.Key, Dump: (DumpProtocol.UnitDump?)null);
            }
        })).ConfigureAwait(false);
        return dump with
        {
            Units = answers.Where(a => a.Dump is not null).Select(a => a.Dump!).OrderBy(u => u.Container, StringComparer.Ordinal).ToArray(),
            Unanswered = answers.Where(a => a.Dump is null).Select(a => a.Key).Order(StringComparer.Ordinal).ToArray(),
        };
    }

    private static IEnumerable<(V1Container Container, bool IsInit)> Containers(V1Pod pod) =>
        (pod.Spec?.InitContainers ?? []).Select(c => (c, true)).Concat((pod.Spec?.Containers ?? []).Select(c => (c, false)));

    private static TimeSpan Longer(TimeSpan delay) => delay * 2 > LongestRetry ? LongestRetry : delay * 2;

    private static async Task<IReadOnlySet<string>> DiscoverAsync(UnitFileStore store, PodReference pod, string[] containers, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var container in containers)
        {
            var unitName = ContainerUnitName.For(pod.Namespace, pod.Name, pod.Uid, container);
            try
            {
                var file = await store.ReadAsync(unitName, cancellationToken).ConfigureAwait(false);
                if (file is not null && KubernetesUnitMetadata.FromUnitFile(file)?.PodUid == pod.Uid)
                {
                    found.Add(container);
                }
            }
            catch (FormatException)
            {
                // Not a unit this pod's UnitActor would adopt; it creates its own when its turn comes.
            }
        }

        return found;
    }

    private sealed record UnitsDiscovered(IReadOnlySet<string> Containers, string? Error);

    private sealed record PatchAnswered(ApiWriteResult Result, V1PodStatus Status);

    private sealed record DeleteAnswered(ApiWriteResult Result);

    private sealed record RetryDiscover
    {
        public static readonly RetryDiscover Instance = new();
    }

    private sealed record RetryPatch
    {
        public static readonly RetryPatch Instance = new();
    }

    private sealed record RetryDelete
    {
        public static readonly RetryDelete Instance = new();
    }
}
