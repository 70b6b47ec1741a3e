// The root of vks' actor tree. It owns the node and the pod watch:
//   Starting  reads the host facts and lists vks' own units (files in the unit directory, and ListUnitsByPatterns
//             vks.*) with their [X-Kubernetes] identity; pod feed items wait in the stash meanwhile
//   Syncing   creates a PodActor per pod UID as the feed delivers pods; each adopts the units it already has
//   Ready     the first pod list is applied: units of pods missing from it are stopped and removed (orphans of
//             pods deleted while vks was down), the node is synced with systemd and the API, Ready turns True and
//             NodeSynced is published
// Independently of these: the Node is registered (again whenever the API says it is gone), the Lease is renewed every
// 10 s, and the node status is patched when its conditions change and at least once a minute. A later pod list
// replaces the known set: a pod missing from it is gone from the API, like a deletion event.
// Children: "packages" (PackageActor), "unit-files" (UnitFileActor), and "pod-<uid>" (PodActor). A PodActor that
// keeps failing is given up on and created again a minute later; if one of the two shared actors gives up, the
// supervisor fails too, and its restart adopts everything again (crash-only).
using Akka.Actor;
using Akka.Event;
using k8s.Models;
using Vks.Actors.Debug;
using Vks.Actors.Packages;
using Vks.Actors.Pods;
using Vks.Actors.Ports;
using Vks.Actors.Units;
using Vks.Node.Nodes;
using Vks.Systemd.Manager;
using static Vks.Actors.Pods.PodProtocol;
using Vks.Node.Kubernetes;

namespace Vks.Actors.Node;

internal sealed class NodeSupervisor : ReceiveActor, IWithStash, IWithTimers
{
    internal static readonly TimeSpan StatusCheckInterval = TimeSpan.FromSeconds(10);
    internal static readonly TimeSpan StatusRefreshInterval = TimeSpan.FromMinutes(1);
    internal static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);
    internal static readonly TimeSpan FeedRestartDelay = TimeSpan.FromSeconds(5);
    internal static readonly TimeSpan PodRecreateDelay = TimeSpan.FromMinutes(1);
    internal static readonly TimeSpan ReapRetryDelay = TimeSpan.FromSeconds(10);

    private readonly NodeSupervisorSettings _settings;
    private readonly NodePorts _ports;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, PodEntry> _pods = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _uidOf = [];

    // Pods whose units are gone; a late event for one of them must not create a new PodActor.
    private readonly HashSet<string> _finished = new(StringComparer.Ordinal);

    private IActorRef _packages = ActorRefs.Nobody;
    private IActorRef _unitFiles = ActorRefs.Nobody;
    private string _lifecycle = "Starting";
    private HostFacts? _facts;
    private PodServices? _podServices;
    private UnitInventory? _inventory;
    private bool _synced;
    private string? _feedTrouble;

    private string? _nodeUid;
    private bool _registering;
    private TimeSpan _registerRetry = RetryDelay;
    private bool _renewing;
    private DateTimeOffset? _leaseRenewedAt;
    private bool _patchingStatus;
    private bool _statusDirty;
    private IList<V1NodeCondition>? _writtenConditions;
    private DateTimeOffset? _statusPatchedAt;

    public NodeSupervisor(NodeSupervisorSettings settings, NodePorts ports)
    {
        _settings = settings;
        _ports = ports;
        Starting();
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(NodeSupervisorSettings settings, NodePorts ports) =>
        Akka.Actor.Props.Create(() => new NodeSupervisor(settings, ports));

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 10, withinTimeRange: TimeSpan.FromMinutes(1), localOnlyDecider: _ => Directive.Restart);

    protected override void PreStart()
    {
        _packages = Context.Watch(Context.ActorOf(PackageActor.Props(_ports.Packages), "packages"));
        _unitFiles = Context.Watch(Context.ActorOf(UnitFileActor.Props(
            _ports.UnitFiles, _ports.Systemd, SystemdCapabilities.LoadsNewUnitFilesWithoutReload(_settings.Node.SystemdVersion)), "unit-files"));
        ReadHostFacts();
        ScanUnits();
        RunFeed();
        Timers.StartPeriodicTimer(RenewLease.Instance, RenewLease.Instance, NodeLeaseBuilder.RenewInterval);
        Timers.StartPeriodicTimer(CheckStatus.Instance, CheckStatus.Instance, StatusCheckInterval);
    }

    protected override void PostStop() => _stopping.Cancel();

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    // ---- Starting ------------------------------------------------------------------------------------------------

    private void Starting()
    {
        Receive<HostFactsRead>(OnHostFactsRead);
        Receive<RetryHostFacts>(_ => ReadHostFacts());
        Receive<UnitsScanned>(OnUnitsScanned);
        Receive<RetryScan>(_ => ScanUnits());
        ReceiveNode();
        ReceiveAny(_ => Stash.Stash());
    }

    private void ReadHostFacts()
    {
        var host = _ports.Host;
        var settings = _settings.Node;
        Task.Run(() =>
            {
                var facts = host.ReadFacts();
                return new HostFactsRead(facts, NodeBuilder.InternalIp(settings, facts), null);
            })
            .PipeTo(Self, failure: error => new HostFactsRead(null, null, error.Message));
    }

    private void OnHostFactsRead(HostFactsRead read)
    {
        if (read.Facts is null || read.NodeIp is null)
        {
            // No address yet (the network may still be coming up), or /proc unreadable: nothing can be registered.
            _log.Error("Reading the host's facts failed, trying again in {0}: {1}", LongestRetry, read.Error);
            Timers.StartSingleTimer(RetryHostFacts.Instance, RetryHostFacts.Instance, LongestRetry);
            return;
        }

        _facts = read.Facts;
        var host = new PodHost(read.Facts.Hostname, read.NodeIp, _settings.ApiServerHost, _settings.ApiServerPort, _settings.ResolveExecutable);
        _podServices = new PodServices(host, _ports.Systemd, _ports.UnitFiles, _unitFiles, _packages, _ports.PodApi, _ports.Events);
        Register();
        StartSyncingWhenReady();
    }

    private void ScanUnits()
    {
        var systemd = _ports.Systemd;
        var store = _ports.UnitFiles;
        var token = _stopping.Token;
        Task.Run(() => UnitInventory.ScanAsync(systemd, store, token), token)
            .PipeTo(Self, success: inventory => new UnitsScanned(inventory, null), failure: error => new UnitsScanned(null, error.Message));
    }

    private void OnUnitsScanned(UnitsScanned scanned)
    {
        if (scanned.Inventory is not { } inventory)
        {
            _log.Warning("Listing vks' units failed, trying again: {0}", scanned.Error);
            Timers.StartSingleTimer(RetryScan.Instance, RetryScan.Instance, RetryDelay);
            return;
        }

        _inventory = inventory;
        _log.Info("Found {0} vks units of {1} pods", inventory.Units.Count, inventory.Units.Select(u => u.Metadata.PodUid).Distinct(StringComparer.Ordinal).Count());
        foreach (var name in inventory.Unreadable)
        {
            _log.Warning("{0} is named like a vks unit but has no readable [X-Kubernetes] section; it is left alone", name);
        }

        foreach (var name in inventory.LoadedWithoutFile)
        {
            _log.Info("{0} is loaded but has no unit file in {1}; it is left alone", name, _ports.UnitFiles.Directory);
        }

        StartSyncingWhenReady();
    }

    private void StartSyncingWhenReady()
    {
        if (_podServices is null || _inventory is null || _lifecycle != "Starting")
        {
            return;
        }

        _lifecycle = "Syncing";
        Become(Running);
        Stash.UnstashAll();
    }

    // ---- Syncing and Ready ---------------------------------------------------------------------------------------

    private void Running()
    {
        Receive<FeedItem>(m => OnFeedItem(m.Item));
        Receive<PodFinished>(m =>
        {
            if (_pods.TryGetValue(m.Uid, out var entry))
            {
                entry.Finished = true;
            }
        });
        Receive<PodActorRestarted>(m =>
        {
            if (_pods.TryGetValue(m.Uid, out var entry))
            {
                Sender.Tell(new PodUpdated(entry.Latest));
                if (entry.RemovedFromApi)
                {
                    Sender.Tell(new PodRemovedFromApi(entry.Latest));
                }
            }
        });
        Receive<RecreatePod>(m =>
        {
            if (_pods.TryGetValue(m.Uid, out var entry) && entry.Actor is null)
            {
                StartPodActor(m.Uid, entry);
            }
        });
        Receive<OrphansReaped>(OnOrphansReaped);
        Receive<RetryReap>(m => Reap(m.Units));
        ReceiveNode();
    }

    private void OnFeedItem(PodFeedItem item)
    {
        switch (item)
        {
            case PodFeedSnapshot snapshot:
                _feedTrouble = null;
                var listed = new HashSet<string>(StringComparer.Ordinal);
                foreach (var pod in snapshot.Pods)
                {
                    if (Upsert(pod) is { } uid)
                    {
                        listed.Add(uid);
                    }
                }

                foreach (var (uid, entry) in _pods.Where(p => !listed.Contains(p.Key) && !p.Value.RemovedFromApi).ToArray())
                {
                    RemovedFromApi(uid, entry.Latest);
                }

                _finished.IntersectWith(listed);
                if (!_synced)
                {
                    OnFirstSnapshot(listed);
                }

                break;
            case PodFeedChange change:
                _feedTrouble = null;
                Upsert(change.Pod);
                break;
            case PodFeedRemoval removal:
                if (PodReference.TryFrom(removal.Pod) is { } removed)
                {
                    RemovedFromApi(removed.Uid, removal.Pod);
                    _finished.Remove(removed.Uid);
                }

                break;
            case PodFeedTrouble trouble:
                _feedTrouble = trouble.Reason;
                _log.Warning("The pod watch failed, retrying in {0}: {1}", trouble.RetryIn, trouble.Reason);
                break;
        }
    }

    private void OnFirstSnapshot(IReadOnlySet<string> listed)
    {
        _synced = true;
        _lifecycle = "Ready";
        var orphans = _inventory!.Units.Where(u => !listed.Contains(u.Metadata.PodUid)).ToArray();
        if (orphans.Length > 0)
        {
            _log.Info("Removing {0} units of pods that no longer exist", orphans.Length);
            Reap(orphans);
        }

        // The inventory was only needed for this.
        _inventory = null;
        _log.Info("Synced with systemd and the API server");
        Context.System.EventStream.Publish(new NodeProtocol.NodeSynced(_settings.Node.NodeName));
        CheckNodeStatus();
    }

    /// <summary>Hands the pod to its PodActor, creating one for a new UID; returns the UID (null for a pod that cannot
    /// be told apart or has no spec).</summary>
    private string? Upsert(V1Pod pod)
    {
        if (PodReference.TryFrom(pod) is not { } identity || pod.Spec is null)
        {
            _log.Warning("Ignoring a pod without namespace, name, UID or spec");
            return null;
        }

        if (_pods.TryGetValue(identity.Uid, out var entry))
        {
            entry.Latest = pod;
            if (!entry.Finished)
            {
                entry.Actor?.Tell(new PodUpdated(pod));
            }
        }
        else if (!_finished.Contains(identity.Uid))
        {
            var added = new PodEntry(pod);
            _pods[identity.Uid] = added;
            StartPodActor(identity.Uid, added);
        }

        return identity.Uid;
    }

    private void RemovedFromApi(string uid, V1Pod lastState)
    {
        if (_pods.TryGetValue(uid, out var entry) && !entry.RemovedFromApi)
        {
            entry.RemovedFromApi = true;
            entry.Latest = lastState;
            entry.Actor?.Tell(new PodRemovedFromApi(lastState));
        }
    }

    private void StartPodActor(string uid, PodEntry entry)
    {
        var actor = Context.ActorOf(PodActor.Props(_podServices!, entry.Latest), ActorNames.For("pod-", uid));
        Context.Watch(actor);
        entry.Actor = actor;
        _uidOf[actor] = uid;
        if (entry.RemovedFromApi)
        {
            actor.Tell(new PodRemovedFromApi(entry.Latest));
        }
    }

    private void OnTerminated(Terminated terminated)
    {
        if (terminated.ActorRef.Equals(_packages) || terminated.ActorRef.Equals(_unitFiles))
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            // Without them no container can be created or removed: start over, adopting everything again.
            throw new InvalidOperationException($"{terminated.ActorRef.Path.Name} failed too often.");
        }

        if (!_uidOf.Remove(terminated.ActorRef, out var uid) || !_pods.TryGetValue(uid, out var entry))
        {
            return;
        }

        if (entry.Finished)
        {
            _pods.Remove(uid);
            _finished.Add(uid);
            return;
        }

        _log.Error("The PodActor of pod {0} failed too often; it is created again in {1}", uid, PodRecreateDelay);
        entry.Actor = null;
        var recreate = new RecreatePod(uid);
        Timers.StartSingleTimer(recreate, recreate, PodRecreateDelay);
    }

    private void Reap(IReadOnlyList<InventoriedUnit> units)
    {
        var systemd = _ports.Systemd;
        var unitFiles = _unitFiles;
        var token = _stopping.Token;
        OrphanReaper.ReapAsync(systemd, unitFiles, units, token).PipeTo(Self, success: failed => new OrphansReaped(failed));
    }

    private void OnOrphansReaped(OrphansReaped reaped)
    {
        if (reaped.Failed.Count == 0)
        {
            return;
        }

        foreach (var (unit, reason) in reaped.Failed)
        {
            _log.Warning("Removing the orphaned unit {0} failed, trying again: {1}", unit.UnitName, reason);
        }

        Timers.StartSingleTimer(RetryReap.Key, new RetryReap(reaped.Failed.Select(f => f.Unit).ToArray()), ReapRetryDelay);
    }

    // ---- The node: registration, lease, status, feed, dump (every state) -----------------------------------------

    private void ReceiveNode()
    {
        Receive<Registered>(OnRegistered);
        Receive<RetryRegister>(_ => Register());
        Receive<RenewLease>(_ => RenewLeaseNow());
        Receive<LeaseAnswered>(OnLeaseAnswered);
        Receive<CheckStatus>(_ => CheckNodeStatus());
        Receive<StatusAnswered>(OnStatusAnswered);
        Receive<FeedEnded>(OnFeedEnded);
        Receive<RestartFeed>(_ => RunFeed());
        Receive<Terminated>(OnTerminated);
        Receive<DumpProtocol.DumpState>(_ => ReplyDump());
        // Every pod vks holds, deleted ones included until their units are gone: what a kubelet's /pods lists.
        Receive<NodeProtocol.ListPods>(_ => Sender.Tell(new NodeProtocol.PodsHeld(_pods.Values.Select(p => p.Latest).ToArray())));
    }

    private void Register()
    {
        if (_facts is not { } facts || _registering || _nodeUid is not null)
        {
            return;
        }

        _registering = true;
        var host = _ports.Host;
        var api = _ports.NodeApi;
        var settings = _settings.Node;
        var synced = _synced;
        var now = Now;
        var token = _stopping.Token;
        Task.Run(
                async () =>
                {
                    var conditions = NodeConditionsBuilder.Build(null, host.ReadUsage(), synced, null, now);
                    var result = await api.RegisterAsync(NodeBuilder.Build(settings, facts, conditions), token).ConfigureAwait(false);
                    return new Registered(result);
                },
                token)
            .PipeTo(Self, failure: error => new Registered(new NodeRegistrationResult(null, error.Message)));
    }

    private void OnRegistered(Registered registered)
    {
        _registering = false;
        if (registered.Result.NodeUid is not { } uid)
        {
            _log.Warning("Registering the node failed, trying again in {0}: {1}", _registerRetry, registered.Result.Detail);
            Timers.StartSingleTimer(RetryRegister.Instance, RetryRegister.Instance, _registerRetry);
            _registerRetry = Longer(_registerRetry);
            return;
        }

        _log.Info("Registered node {0} ({1})", _settings.Node.NodeName, uid);
        _nodeUid = uid;
        RenewLeaseNow();
        // An existing Node keeps its old status on registration: write it now.
        _writtenConditions = null;
        _statusPatchedAt = null;
        CheckNodeStatus();
    }

    private void NodeMissing(string? detail)
    {
        // Backed off: an API server that keeps saying so right after a registration must not spin the loop.
        _log.Warning("The Node object is gone; registering it again in {0}: {1}", _registerRetry, detail);
        _nodeUid = null;
        Timers.StartSingleTimer(RetryRegister.Instance, RetryRegister.Instance, _registerRetry);
        _registerRetry = Longer(_registerRetry);
    }

    private void RenewLeaseNow()
    {
        if (_nodeUid is not { } uid || _renewing)
        {
            return;
        }

        _renewing = true;
        _ports.NodeApi.RenewLeaseAsync(uid, _stopping.Token)
            .PipeTo(Self, success: result => new LeaseAnswered(result), failure: error => new LeaseAnswered(new ApiWriteResult(ApiWriteOutcome.Unavailable, error.Message)));
    }

    private void OnLeaseAnswered(LeaseAnswered answered)
    {
        _renewing = false;
        switch (answered.Result.Outcome)
        {
            case ApiWriteOutcome.Done:
                _leaseRenewedAt = Now;
                // The node is back in business: the next registration, if any, need not wait.
                _registerRetry = RetryDelay;
                break;
            case ApiWriteOutcome.Gone:
                NodeMissing(answered.Result.Detail);
                break;
            default:
                _log.Warning("Renewing the node lease failed: {0}", answered.Result.Detail);
                break;
        }
    }

    private void CheckNodeStatus()
    {
        if (_facts is not { } facts || _nodeUid is null)
        {
            return;
        }

        if (_patchingStatus)
        {
            _statusDirty = true;
            return;
        }

        _patchingStatus = true;
        _statusDirty = false;
        var host = _ports.Host;
        var api = _ports.NodeApi;
        var settings = _settings.Node;
        var previous = _writtenConditions;
        var synced = _synced;
        var now = Now;
        var refreshDue = _statusPatchedAt is not { } patched || now - patched >= StatusRefreshInterval;
        var token = _stopping.Token;
        Task.Run(
                async () =>
                {
                    var conditions = NodeConditionsBuilder.Build(previous, host.ReadUsage(), synced, null, now);
                    if (!refreshDue && !NodeConditionsBuilder.Differs(previous, conditions))
                    {
                        return new StatusAnswered(null, conditions);
                    }

                    var result = await api.PatchStatusAsync(NodeBuilder.BuildStatus(settings, facts, conditions), token).ConfigureAwait(false);
                    return new StatusAnswered(result, conditions);
                },
                token)
            .PipeTo(Self, failure: error => new StatusAnswered(new ApiWriteResult(ApiWriteOutcome.Unavailable, error.Message), null));
    }

    private void OnStatusAnswered(StatusAnswered answered)
    {
        _patchingStatus = false;
        switch (answered.Result?.Outcome)
        {
            case null:
                break;
            case ApiWriteOutcome.Done:
                _writtenConditions = answered.Conditions;
                _statusPatchedAt = Now;
                break;
            case ApiWriteOutcome.Gone:
                NodeMissing(answered.Result.Detail);
                break;
            default:
                _log.Warning("Writing the node status failed: {0}", answered.Result.Detail);
                break;
        }

        if (_statusDirty)
        {
            CheckNodeStatus();
        }
    }

    private void RunFeed()
    {
        var feed = _ports.PodFeed;
        var self = Self;
        var token = _stopping.Token;
        Task.Run(() => feed.RunAsync(item => self.Tell(new FeedItem(item)), token), token)
            .PipeTo(Self, success: () => new FeedEnded(null), failure: error => new FeedEnded(error));
    }

    private void OnFeedEnded(FeedEnded ended)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        // The feed only returns when cancelled; anything else is a bug in it, and the pods must still be watched.
        _log.Error(ended.Error, "The pod watch ended; starting it again in {0}", FeedRestartDelay);
        Timers.StartSingleTimer(RestartFeed.Instance, RestartFeed.Instance, FeedRestartDelay);
    }

    private void ReplyDump()
    {
        var now = Now;
        var dump = new DumpProtocol.NodeDump(
            _settings.Node.NodeName,
            _lifecycle,
            _nodeUid,
            _leaseRenewedAt,
            now - _leaseRenewedAt,
            _statusPatchedAt,
            _ports.PodFeed.ResourceVersion,
            _feedTrouble,
            [],
            null,
            []) { MailboxDepth = DumpProtocol.MailboxDepthOf(Context) };
        var pods = _pods.Where(p => p.Value.Actor is not null).Select(p => (Uid: p.Key, Actor: p.Value.Actor!)).ToArray();
        AggregateDumpAsync(dump, pods, _packages).PipeTo(Sender);
    }

    private static async Task<DumpProtocol.NodeDump> AggregateDumpAsync(DumpProtocol.NodeDump dump, (string Uid, IActorRef Actor)[] pods, IActorRef packages)
    {
        // A PodActor asks its UnitActors in turn, so it gets twice the time.
        var podTimeout = DumpProtocol.ChildTimeout * 2;
        var podAnswers = Task.WhenAll(pods.Select(async pod =>
        {
            try
            {
                return (pod.Uid, Dump: await pod.Actor.Ask<DumpProtocol.PodDump>(DumpProtocol.DumpState.Instance, podTimeout).ConfigureAwait(false));
            }
            catch (AskTimeoutException)
            {
                return (pod.Uid, Dump: (DumpProtocol.PodDump?)null);
            }
        }));
        DumpProtocol.PackageQueueDump? queue;
        try
        {
            queue = await packages.Ask<DumpProtocol.PackageQueueDump>(DumpProtocol.DumpState.Instance, DumpProtocol.ChildTimeout).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            queue = null;
        }

        var answers = await podAnswers.ConfigureAwait(false);
        return dump with
        {
            Pods = answers.Where(a => a.Dump is not null).Select(a => a.Dump!)
                .OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal).ToArray(),
            Packages = queue,
            Unanswered = answers.Where(a => a.Dump is null).Select(a => "pod-" + a.Uid)
                .Concat(queue is null ? ["packages"] : []).Order(StringComparer.Ordinal).ToArray(),
        };
    }

    private static TimeSpan Longer(TimeSpan delay) => delay * 2 > LongestRetry ? LongestRetry : delay * 2;

    private sealed class PodEntry(V1Pod latest)
    {
        public V1Pod Latest { get; set; } = latest;

        /// <summary>Null while a PodActor that gave up waits to be created again.</summary>
        public IActorRef? Actor { get; set; }

        public bool RemovedFromApi { get; set; }

        public bool Finished { get; set; }
    }

    private sealed record HostFactsRead(HostFacts? Facts, string? NodeIp, string? Error);

    private sealed record UnitsScanned(UnitInventory? Inventory, string? Error);

    private sealed record FeedItem(PodFeedItem Item);

    private sealed record FeedEnded(Exception? Error);

    private sealed record Registered(NodeRegistrationResult Result);

    private sealed record LeaseAnswered(ApiWriteResult Result);

    /// <param name="Result">Null when nothing needed writing.</param>
    private sealed record StatusAnswered(ApiWriteResult? Result, IList<V1NodeCondition>? Conditions);

    private sealed record OrphansReaped(IReadOnlyList<(InventoriedUnit Unit, string Reason)> Failed);

    private sealed record RetryReap(IReadOnlyList<InventoriedUnit> Units)
    {
        public static readonly object Key = new();
    }

    private sealed record RecreatePod(string Uid);

    private sealed record RetryHostFacts
    {
        public static readonly RetryHostFacts Instance = new();
    }

    private sealed record RetryScan
    {
        public static readonly RetryScan Instance = new();
    }

    private sealed record RetryRegister
    {
        public static readonly RetryRegister Instance = new();
    }

    private sealed record RenewLease
    {
        public static readonly RenewLease Instance = new();
    }

    private sealed record CheckStatus
    {
        public static readonly CheckStatus Instance = new();
    }

    private sealed record RestartFeed
    {
        public static readonly RestartFeed Instance = new();
    }
}
