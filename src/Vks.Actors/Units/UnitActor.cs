// One container of a pod, as one systemd unit. Lifecycle (each a Become state):
//   Locating       read the unit file vks may have written before (adoption after a restart or a crash): a unit of
//                  this pod is adopted as it is, running units keep running; another pod's (a predecessor of the same
//                  name still stopping) is waited for; none means create one
//   PullingImage   ask the PackageActor for the package (a binary path only has to exist)
//   ImageBackOff   the install failed: ErrImagePull, then ImagePullBackOff, 10 s doubling to 5 min (this back-off is
//                  the container's own, like kubelet's per-image back-off)
//   Creating       translate the pod into a unit, write it (the UnitFileActor reloads systemd), watch it, start it
//   ConfigError    the container cannot become a unit (invalid image, unsupported spec) until its spec changes
//   Running        the unit's state comes from PropertiesChanged signals only; every change goes to the PodActor
//   Stopping       SIGTERM through StopUnit (KillMode=mixed), SIGKILL through KillUnit once the grace has passed
//   Removing       the unit has stopped: its failed state is cleared and its file removed; then the actor stops,
//                  or, when the image changed, starts over with PullingImage
// Crash-loop back-off (docs/unit-mapping.md): systemd restarts the container; after each restart (NRestarts went up)
// RestartSec= doubles, and after 10 min of running it goes back to 10 s, both rewritten while the container runs.
// Init containers are Restart=no: a failed one is started again here, after the same back-off, unless the pod's
// restartPolicy is Never. The actor never stops its unit on its own account: stopping vks leaves containers running.
using Akka.Actor;
using Akka.Event;
using k8s.Models;
using Vks.Actors.Debug;
using Vks.Actors.Pods;
using Vks.Actors.Ports;
using Vks.Node.Images;
using Vks.Node.Pods;
using Vks.Node.Status;
using Vks.Systemd.DBus;
using Vks.Systemd.Manager;
using Vks.Systemd.Units;
using Vks.Actors.Packages;
using static Vks.Actors.Packages.PackageProtocol;
using static Vks.Actors.Units.UnitFileProtocol;
using static Vks.Actors.Units.UnitProtocol;
using Vks.Node.Kubernetes;

namespace Vks.Actors.Units;

internal sealed class UnitActor : ReceiveActor, IWithStash, IWithTimers
{
    /// <summary>The wait before trying a step again that systemd or the file system refused.</summary>
    internal static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    // A unit-file change waits for the batch before it and one daemon-reload; far longer means the writer is gone.
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromMinutes(2);

    private const int SigKill = 9;

    private readonly PodServices _services;
    private readonly PodReference _identity;
    private readonly string _container;
    private readonly bool _isInit;
    private readonly string _unitName;
    private readonly string _fieldPath;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private V1Pod _pod;
    private string _wantedImage;
    private string _lifecycle = "Locating";
    private ContainerObservation? _reported;

    // The image.
    private ImageReference? _requestedImage;
    private ImagePhase _imagePhase = ImagePhase.Pending;
    private string? _imageMessage;
    private string? _imageId;
    private string? _packageUnit;
    private int _pullFailures;
    private TranslationFailure? _translationFailure;
    private string? _translatedImage;

    // The unit.
    private UnitFile? _unitFile;
    private string? _unitImage;
    private IAsyncDisposable? _watch;
    private UnitState? _state;
    private DateTimeOffset? _lastSignalAt;
    private bool _adopting;

    // Restarts.
    private TimeSpan? _restartDelay;
    private uint? _seenRestarts;
    private bool _wasBackingOff;
    private (Guid? Invocation, DateTimeOffset Started)? _stableRunWatched;
    private V1ContainerStateTerminated? _lastTermination;
    private int _actorRestarts;
    private TimeSpan _initRetryDelay = CrashLoopBackoff.InitialDelay;
    private Guid? _initRetryScheduledFor;

    // Stopping.
    private StopContainer? _pendingStop;
    private bool _replacing;
    private bool _stopped;
    private DateTimeOffset _killAt;

    public UnitActor(PodServices services, V1Pod pod, string container, bool isInit)
    {
        _services = services;
        _pod = pod;
        _identity = PodReference.From(pod);
        _container = container;
        _isInit = isInit;
        _unitName = ContainerUnitName.For(_identity.Namespace, _identity.Name, _identity.Uid, container);
        _fieldPath = isInit ? $"spec.initContainers{{{container}}}" : $"spec.containers{{{container}}}";
        _wantedImage = ContainerOf(pod)?.Image ?? "";
        Locating();
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(PodServices services, V1Pod pod, string container, bool isInit) =>
        Akka.Actor.Props.Create(() => new UnitActor(services, pod, container, isInit));

    protected override void PreStart() => ReadUnitFile();

    protected override void PostStop()
    {
        _stopping.Cancel();
        if (_watch is { } watch)
        {
            _ = watch.DisposeAsync().AsTask();
        }
    }

    // ---- Locating ------------------------------------------------------------------------------------------------

    private void Locating()
    {
        Receive<UnitFileRead>(OnUnitFileRead);
        Receive<RetryLocate>(_ => ReadUnitFile());
        Receive<PodChanged>(m =>
        {
            _ = UpdatePod(m.Pod);
        });
        Receive<StopContainer>(stop => _pendingStop = stop); // a unit of ours may be there: known once read
        ReceiveCommon();
    }

    private void ReadUnitFile()
    {
        var store = _services.UnitFiles;
        var unitName = _unitName;
        var token = _stopping.Token;
        Task.Run(() => ReadAsync(store, unitName, token), token)
            .PipeTo(Self, success: read => read, failure: error => new UnitFileRead(null, null, error));
    }

    private void OnUnitFileRead(UnitFileRead read)
    {
        if (read.Error is not null)
        {
            _log.Warning("Reading the unit file {0} failed: {1}", _unitName, read.Error.Message);
            Timers.StartSingleTimer(RetryLocate.Instance, RetryLocate.Instance, RetryDelay);
            return;
        }

        if (read.File is not null && read.Metadata is { } metadata && metadata.PodUid == _identity.Uid)
        {
            Adopt(read.File, metadata);
            if (_pendingStop is { } stop)
            {
                RecordEvent(KubernetesEventType.Normal, "Killing", $"Stopping container {_container}");
                BeginStop(stop.Grace, replace: false);
            }

            return;
        }

        if (_pendingStop is not null)
        {
            // Stopped before anything of this pod's was created.
            Context.Stop(Self);
            return;
        }

        if (read.Metadata is not null)
        {
            // Another pod's: a force-deleted predecessor of the same name whose units are still stopping.
            _lifecycle = "WaitingForPredecessor";
            Report();
            Timers.StartSingleTimer(RetryLocate.Instance, RetryLocate.Instance, RetryDelay);
            return;
        }

        RequestImage();
    }

    private void Adopt(UnitFile file, KubernetesUnitMetadata metadata)
    {
        _log.Info("Adopting {0}", _unitName);
        _unitFile = file;
        _unitImage = metadata.Image;
        _restartDelay = RestartDelayOf(file);
        _imagePhase = ImagePhase.Pulled;
        _adopting = true;
        var written = WrittenStatus();
        if (written?.Image == metadata.Image && !string.IsNullOrEmpty(written.ImageID))
        {
            // What vks wrote before it restarted; asking apt again would only delay the status.
            _imageId = written.ImageID;
        }
        else if (ImageReference.TryParse(metadata.Image, out var image, out _))
        {
            // Only for the imageID: an adopted container is never installed again (Never), whatever its policy.
            if (image is DebianPackageImage package)
            {
                _requestedImage = package;
                _services.Packages.Tell(new EnsurePackage(package, PullPolicy.Never));
            }
            else if (image is BinaryPathImage binary)
            {
                _imageId = BinaryImageId(binary);
            }
        }

        EnterRunning();
        StartWatch();
    }

    // ---- PullingImage and ImageBackOff ---------------------------------------------------------------------------

    private void RequestImage()
    {
        _lifecycle = "PullingImage";
        Become(PullingImage);
        if (!ImageReference.TryParse(_wantedImage, out var image, out var reason))
        {
            _requestedImage = null;
            _translationFailure = new TranslationFailure(TranslationFailure.InvalidImageName, reason);
            RecordEvent(KubernetesEventType.Warning, "InspectFailed", reason);
            EnterConfigError();
            return;
        }

        _requestedImage = image;
        switch (image)
        {
            case DebianPackageImage package:
                _services.Packages.Tell(new EnsurePackage(package, PolicyOf(ContainerOf(_pod)?.ImagePullPolicy, package)));
                break;
            case BinaryPathImage binary:
                var path = binary.Path;
                Task.Run(() => File.Exists(path)).PipeTo(Self, success: exists => new BinaryChecked(binary, exists));
                break;
        }

        Report();
    }

    private void PullingImage()
    {
        Receive<PackageInstalling>(m => m.Image == _requestedImage, _ =>
            RecordEvent(KubernetesEventType.Normal, "Pulling", $"Pulling image \"{_wantedImage}\""));
        Receive<PackageReady>(m => m.Image == _requestedImage, ready => OnImageReady(
            ready.ImageId,
            ready.ServiceUnit,
            ready.Installed
                ? $"Successfully pulled image \"{_wantedImage}\": installed {ready.Image.Package} {ready.Version}"
                : $"Container image \"{_wantedImage}\" already present on machine"));
        Receive<PackagePullFailed>(m => m.Image == _requestedImage, failed => OnPullFailed(failed.Message));
        Receive<PackageNeverPullMissing>(m => m.Image == _requestedImage, _ => OnNeverPullMissing());
        Receive<BinaryChecked>(m => m.Image == _requestedImage, checkedBinary =>
        {
            if (checkedBinary.Exists)
            {
                OnImageReady(BinaryImageId(checkedBinary.Image), null, $"Container image \"{_wantedImage}\" already present on machine");
            }
            else
            {
                OnPullFailed($"The binary {checkedBinary.Image.Path} does not exist on the node.");
            }
        });
        Receive<PodChanged>(m =>
        {
            if (UpdatePod(m.Pod))
            {
                ResetImage();
                RequestImage();
            }
        });
        Receive<StopContainer>(_ => Context.Stop(Self)); // nothing was created yet
        ReceiveCommon();
    }

    private void ImageBackOff()
    {
        Receive<RetryPull>(_ => RequestImage());
        Receive<PodChanged>(m =>
        {
            if (UpdatePod(m.Pod))
            {
                Timers.Cancel(RetryPull.Instance);
                ResetImage();
                RequestImage();
            }
        });
        Receive<StopContainer>(_ => Context.Stop(Self));
        ReceiveCommon();
    }

    private void OnImageReady(string imageId, string? packageUnit, string message)
    {
        _imagePhase = ImagePhase.Pulled;
        _imageMessage = null;
        _imageId = imageId;
        _packageUnit = packageUnit;
        _pullFailures = 0;
        RecordEvent(KubernetesEventType.Normal, "Pulled", message);
        Translate();
    }

    private void OnPullFailed(string message)
    {
        _pullFailures++;
        _imagePhase = ImagePullBackoff.PhaseAfter(_pullFailures);
        _imageMessage = message;
        RecordEvent(KubernetesEventType.Warning, "Failed", $"Failed to pull image \"{_wantedImage}\": {message}");
        if (_imagePhase == ImagePhase.BackOff)
        {
            RecordEvent(KubernetesEventType.Normal, "BackOff", $"Back-off pulling image \"{_wantedImage}\"");
        }

        EnterImageBackOff();
    }

    private void OnNeverPullMissing()
    {
        _pullFailures++;
        _imagePhase = ImagePhase.NeverPullMissing;
        _imageMessage = null;
        RecordEvent(KubernetesEventType.Warning, "ErrImageNeverPull", $"Container image \"{_wantedImage}\" is not present with pull policy of Never");
        EnterImageBackOff();
    }

    private void EnterImageBackOff()
    {
        _lifecycle = "ImageBackOff";
        Become(ImageBackOff);
        Timers.StartSingleTimer(RetryPull.Instance, RetryPull.Instance, ImagePullBackoff.DelayAfter(_pullFailures));
        Report();
    }

    private void ResetImage()
    {
        _pullFailures = 0;
        _imagePhase = ImagePhase.Pending;
        _imageMessage = null;
        _imageId = null;
        _translationFailure = null;
    }

    // ---- Creating and ConfigError --------------------------------------------------------------------------------

    private void Translate()
    {
        _lifecycle = "Creating";
        Become(Creating);
        var context = new PodUnitContext
        {
            Hostname = _services.Host.Hostname,
            ApiServerHost = _services.Host.ApiServerHost,
            ApiServerPort = _services.Host.ApiServerPort,
            PackageUnitFile = _packageUnit,
            ResolveExecutable = _services.Host.ResolveExecutable,
            RestartDelay = _restartDelay ?? CrashLoopBackoff.InitialDelay,
        };
        var pod = _pod;
        var container = _container;
        _translatedImage = _wantedImage;
        // The translation is pure, but resolving a command looks at the file system.
        Task.Run(() => PodUnitTranslator.Translate(pod, container, context)).PipeTo(Self, success: translation => new Translated(translation));
        Report();
    }

    private void Creating()
    {
        Receive<Translated>(OnTranslated);
        Receive<UnitCreated>(created =>
        {
            _watch = created.Watch;
            _unitImage = _translatedImage;
            RecordEvent(KubernetesEventType.Normal, "Created", $"Created container {_container}");
            EnterRunning();
            PipeStartJob(created.StartJob);
            Stash.UnstashAll();
        });
        Receive<CreationBlocked>(blocked =>
        {
            _log.Warning("Creating {0} failed, trying again: {1}", _unitName, blocked.Reason);
            Timers.StartSingleTimer(RetryCreate.Instance, RetryCreate.Instance, RetryDelay);
        });
        Receive<RetryCreate>(_ => CreateUnit());
        Receive<UnitStateChanged>(m => ObserveState(m.State)); // the watch's first state comes before UnitCreated
        Receive<Status.Failure>(OnTranslationCrashed);
        ReceiveCommon();
        ReceiveAny(_ => Stash.Stash());
    }

    // The translator returns failures as values; an exception is a bug, and supervision decides.
    private void OnTranslationCrashed(Status.Failure failure) =>
        throw new InvalidOperationException($"Translating container {_container} of {_identity} failed.", failure.Cause);

    private void OnTranslated(Translated translated)
    {
        switch (translated.Translation)
        {
            case TranslationFailure failure:
                _translationFailure = failure;
                RecordEvent(KubernetesEventType.Warning, "Failed", $"Error: {failure.Message}");
                Stash.UnstashAll();
                EnterConfigError();
                break;
            case ContainerUnit unit when unit.UnitName == _unitName:
                _translationFailure = null;
                _unitFile = unit.Unit;
                _restartDelay = RestartDelayOf(unit.Unit);
                CreateUnit();
                break;
            case ContainerUnit unit:
                throw new InvalidOperationException($"The translator named the unit {unit.UnitName}, not {_unitName}.");
        }
    }

    private void CreateUnit()
    {
        var services = _services;
        var request = new WriteUnitFile(_unitName, _unitFile!, _identity.Uid);
        var self = Self;
        var token = _stopping.Token;
        CreateUnitAsync(services, request, self, token).PipeTo(Self, success: outcome => outcome, failure: error => new CreationBlocked(error.Message));
    }

    private void EnterConfigError()
    {
        _lifecycle = "ConfigError";
        Become(ConfigError);
        Report();
    }

    private void ConfigError()
    {
        Receive<PodChanged>(m =>
        {
            var before = ContainerOf(_pod);
            _ = UpdatePod(m.Pod);
            if (!SameContainer(before, ContainerOf(_pod)))
            {
                ResetImage();
                RequestImage();
            }
        });
        Receive<StopContainer>(_ => Context.Stop(Self));
        ReceiveCommon();
    }

    // ---- Running -------------------------------------------------------------------------------------------------

    private void EnterRunning()
    {
        _lifecycle = "Running";
        Become(Running);
        if (!_adopting)
        {
            // An adopted unit reports with its first state: without one it would show as being created.
            Report();
        }
    }

    private void Running()
    {
        Receive<UnitStateChanged>(m => OnUnitState(m.State));
        Receive<StartQueued>(m => PipeStartJob(m.Job));
        Receive<StartRefused>(refused =>
        {
            _log.Warning("Starting {0} failed, trying again: {1}", _unitName, refused.Reason);
            Timers.StartSingleTimer(RetryStart.Instance, RetryStart.Instance, RetryDelay);
        });
        Receive<RetryStart>(_ => StartUnit());
        Receive<StartFinished>(OnStartFinished);
        Receive<WatchStarted>(m => _watch = m.Watch);
        Receive<WatchStopped>(m =>
        {
            _log.Warning("The watch of {0} stopped, watching again: {1}", _unitName, m.Reason.Message);
            _watch = null;
            Timers.StartSingleTimer(RetryWatch.Instance, RetryWatch.Instance, RetryDelay);
        });
        Receive<WatchFailed>(m =>
        {
            _log.Warning("Watching {0} failed, trying again: {1}", _unitName, m.Reason);
            Timers.StartSingleTimer(RetryWatch.Instance, RetryWatch.Instance, RetryDelay);
        });
        Receive<RetryWatch>(_ => StartWatch());
        Receive<PodChanged>(m =>
        {
            if (UpdatePod(m.Pod) && _unitImage != _wantedImage && !InitCompleted())
            {
                Replace();
            }
        });
        Receive<StopContainer>(m =>
        {
            RecordEvent(KubernetesEventType.Normal, "Killing", $"Stopping container {_container}");
            BeginStop(m.Grace, replace: false);
        });
        Receive<StableRunCheck>(_ => OnStableRunCheck());
        Receive<RetryInitContainer>(_ => RetryInit());
        Receive<PackageReady>(m => m.Image == _requestedImage, ready =>
        {
            _imageId = ready.ImageId;
            Report();
        });
        Receive<IUnitFileAnswer>(answer =>
        {
            // RestartSec= rewrites: a failed one leaves the delay in force; the next restart writes again.
            if (answer is UnitFileFailed or UnitFileOwnedByAnotherPod)
            {
                _log.Warning("Rewriting RestartSec= of {0} failed: {1}", _unitName, answer);
            }
        });
        ReceiveCommon();
    }

    private void OnUnitState(UnitState state)
    {
        ObserveState(state);
        if (_adopting)
        {
            _adopting = false;
            // Restarts vks made itself (init retries, replacements) are in the written restartCount but not in
            // NRestarts; they are kept, so that restartCount never goes down across a restart of vks.
            _actorRestarts = Math.Max(0, (WrittenStatus()?.RestartCount ?? 0) - (int)Math.Min(int.MaxValue, state.NRestarts));
            if (_unitImage != _wantedImage && !InitCompleted())
            {
                Replace();
                return;
            }

            if (NeverStarted(state))
            {
                // Written by a vks that stopped before it could start it.
                StartUnit();
            }
        }

        TrackRestarts(state);
        if (_isInit)
        {
            ScheduleInitRetry(state);
        }

        Report();
    }

    private void TrackRestarts(UnitState state)
    {
        if (_restartDelay is not { } delay)
        {
            return;
        }

        // After systemd restarted the container, the delay before the next restart doubles.
        if (_seenRestarts is { } seen && state.NRestarts > seen)
        {
            RewriteRestartDelay(CrashLoopBackoff.DelayAfterRestart(delay));
        }

        _seenRestarts = state.NRestarts;

        // The run that just ended goes to lastState; systemd forgets it when it starts the next one.
        var backingOff = state is { ActiveState: UnitActiveState.Activating, SubState: "auto-restart" };
        if (backingOff && ContainerStatusBuilder.TerminationOf(state, _unitName) is { } ended)
        {
            _lastTermination = ended;
            if (!_wasBackingOff)
            {
                RecordEvent(KubernetesEventType.Warning, "BackOff", $"Back-off restarting failed container {_container} in pod {_identity.Name}");
            }
        }

        _wasBackingOff = backingOff;

        // Once the container has run for 10 minutes, the delay goes back to 10 s.
        if (state is { ActiveState: UnitActiveState.Active, SubState: "running", ExecMainStartTimestamp: { } started }
            && _restartDelay != CrashLoopBackoff.InitialDelay)
        {
            if (_stableRunWatched != (state.InvocationId, started))
            {
                _stableRunWatched = (state.InvocationId, started);
                var due = started + CrashLoopBackoff.StableRun - Now;
                Timers.StartSingleTimer(StableRunCheck.Instance, StableRunCheck.Instance, due > TimeSpan.Zero ? due : TimeSpan.Zero);
            }
        }
        else if (state.ActiveState != UnitActiveState.Active)
        {
            _stableRunWatched = null;
            Timers.Cancel(StableRunCheck.Instance);
        }
    }

    private void OnStableRunCheck()
    {
        if (_restartDelay is { } delay && _state is { ActiveState: UnitActiveState.Active, SubState: "running", ExecMainStartTimestamp: { } started })
        {
            RewriteRestartDelay(CrashLoopBackoff.DelayWhileRunning(delay, Now - started));
            Report();
        }
    }

    private void RewriteRestartDelay(TimeSpan delay)
    {
        if (_unitFile is null || _restartDelay is not { } current || delay == current)
        {
            return;
        }

        _unitFile = CrashLoopBackoff.WithDelay(_unitFile, delay);
        _restartDelay = delay;
        _services.UnitFileWriter.Tell(new WriteUnitFile(_unitName, _unitFile, _identity.Uid));
    }

    // An init container that failed runs again after the back-off, unless the pod never restarts anything.
    private void ScheduleInitRetry(UnitState state)
    {
        if (_pod.Spec?.RestartPolicy == "Never"
            || state.ActiveState is not (UnitActiveState.Failed or UnitActiveState.Inactive)
            || ContainerStatusBuilder.TerminationOf(state, _unitName) is not { ExitCode: not 0 }
            || _initRetryScheduledFor == state.InvocationId)
        {
            return;
        }

        _initRetryScheduledFor = state.InvocationId;
        RecordEvent(KubernetesEventType.Warning, "BackOff", $"Back-off restarting failed container {_container} in pod {_identity.Name}");
        Timers.StartSingleTimer(RetryInitContainer.Instance, RetryInitContainer.Instance, _initRetryDelay);
    }

    private void RetryInit()
    {
        if (_state is { } state)
        {
            _lastTermination = ContainerStatusBuilder.TerminationOf(state, _unitName);
        }

        _actorRestarts++;
        _initRetryDelay = CrashLoopBackoff.DelayAfterRestart(_initRetryDelay);
        StartUnit();
        Report();
    }

    private void StartUnit()
    {
        var systemd = _services.Systemd;
        var unitName = _unitName;
        systemd.StartUnitAsync(unitName, JobMode.Replace, _stopping.Token)
            .PipeTo(Self, success: job => new StartQueued(job), failure: error => new StartRefused(error.Message));
    }

    private void PipeStartJob(SystemdJob job) =>
        job.Completion.PipeTo(Self, success: outcome => new StartFinished(outcome), failure: error => new StartFinished(null));

    private void OnStartFinished(StartFinished finished)
    {
        switch (finished.Outcome?.Result)
        {
            case JobResult.Done:
                RecordEvent(KubernetesEventType.Normal, "Started", $"Started container {_container}");
                break;
            case null:
                // The bus connection dropped before the job's end was seen; the unit's state tells the rest.
                break;
            case var result:
                RecordEvent(KubernetesEventType.Warning, "Failed", $"Error: systemd could not start the unit {_unitName} (job {result}).");
                break;
        }
    }

    private void StartWatch()
    {
        var systemd = _services.Systemd;
        var unitName = _unitName;
        var self = Self;
        systemd.WatchUnitAsync(unitName, state => self.Tell(new UnitStateChanged(state)), error => self.Tell(new WatchStopped(error)), _stopping.Token)
            .PipeTo(Self, success: watch => new WatchStarted(watch), failure: error => new WatchFailed(error.Message));
    }

    private void Replace()
    {
        RecordEvent(KubernetesEventType.Normal, "Killing", $"Container {_container} definition changed, will be restarted");
        BeginStop(PodGrace.ForReplacement(_pod), replace: true);
    }

    // ---- Stopping and Removing -----------------------------------------------------------------------------------

    private void BeginStop(TimeSpan grace, bool replace)
    {
        _lifecycle = "Stopping";
        _replacing = replace;
        _stopped = false;
        Timers.Cancel(StableRunCheck.Instance);
        Timers.Cancel(RetryInitContainer.Instance);
        Timers.Cancel(RetryStart.Instance);
        Become(Stopping);
        _killAt = Now + grace;
        Timers.StartSingleTimer(KillAfterGrace.Instance, KillAfterGrace.Instance, grace);
        QueueStop();
        Report();
    }

    private void Stopping()
    {
        Receive<UnitStateChanged>(m =>
        {
            ObserveState(m.State);
            Report();
            if (IsStopped(m.State))
            {
                OnStopped();
            }
        });
        Receive<StopQueued>(m => m.Job.Completion.PipeTo(Self, success: outcome => new StopFinished(outcome), failure: _ => new StopFinished(null)));
        Receive<StopFinished>(finished =>
        {
            if (finished.Outcome?.Result == JobResult.Done)
            {
                OnStopped();
            }
            else if (finished.Outcome is null)
            {
                // The job's end was missed (the bus connection dropped); asking again is harmless.
                Timers.StartSingleTimer(RetryStop.Instance, RetryStop.Instance, RetryDelay);
            }
        });
        Receive<StopRefused>(refused =>
        {
            if (refused.NoSuchUnit)
            {
                OnStopped();
                return;
            }

            _log.Warning("Stopping {0} failed, trying again: {1}", _unitName, refused.Reason);
            Timers.StartSingleTimer(RetryStop.Instance, RetryStop.Instance, RetryDelay);
        });
        Receive<RetryStop>(_ => QueueStop());
        Receive<WatchStarted>(m => _watch = m.Watch); // adopted, and told to stop before the watch was up
        Receive<KillAfterGrace>(_ => KillUnit());
        Receive<KillFailed>(m => _log.Warning("SIGKILL to {0} failed: {1}", _unitName, m.Reason));
        Receive<StopContainer>(m =>
        {
            _replacing = false;
            var killAt = Now + m.Grace;
            if (killAt < _killAt)
            {
                _killAt = killAt;
                Timers.StartSingleTimer(KillAfterGrace.Instance, KillAfterGrace.Instance, m.Grace);
            }
        });
        Receive<PodChanged>(m =>
        {
            _ = UpdatePod(m.Pod);
        });
        ReceiveCommon();
    }

    private void QueueStop()
    {
        _services.Systemd.StopUnitAsync(_unitName, JobMode.Replace, _stopping.Token)
            .PipeTo(
                Self,
                success: job => new StopQueued(job),
                failure: error => new StopRefused(error.Message, error is DBusErrorException { ErrorName: SystemdBus.NoSuchUnitError }));
    }

    private void KillUnit()
    {
        _log.Info("Grace period of {0} is over: SIGKILL", _unitName);
        _services.Systemd.KillUnitAsync(_unitName, KillWhom.All, SigKill, _stopping.Token)
            .PipeTo(Self, success: () => KillSent.Instance, failure: error => new KillFailed(error.Message));
    }

    private void OnStopped()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        Timers.Cancel(KillAfterGrace.Instance);
        Timers.Cancel(RetryStop.Instance);
        if (_replacing)
        {
            // Like kubelet, a container replaced after a spec change counts as restarted, its last run as lastState.
            _lastTermination = _state is null ? _lastTermination : ContainerStatusBuilder.TerminationOf(_state, _unitName) ?? _lastTermination;
            _actorRestarts++;
        }

        _lifecycle = "Removing";
        Become(Removing);
        RemoveUnit();
    }

    private void RemoveUnit()
    {
        var watch = _watch;
        _watch = null;
        var services = _services;
        var request = new RemoveUnitFile(_unitName, _identity.Uid);
        var token = _stopping.Token;
        RemoveUnitAsync(services, watch, request, token)
            .PipeTo(Self, success: answer => new UnitRemoved(answer), failure: error => new UnitRemoved(new UnitFileFailed(request.UnitName, error.Message)));
    }

    private void Removing()
    {
        Receive<UnitRemoved>(removed =>
        {
            if (removed.Answer is UnitFileFailed failed)
            {
                _log.Warning("Removing {0} failed, trying again: {1}", _unitName, failed.Reason);
                Timers.StartSingleTimer(RetryRemove.Instance, RetryRemove.Instance, RetryDelay);
                return;
            }

            // Removed, or the file is another pod's by now: nothing of ours is left.
            _state = null;
            _unitFile = null;
            _unitImage = null;
            _restartDelay = null;
            _seenRestarts = null;
            _wasBackingOff = false;
            _stableRunWatched = null;
            if (!_replacing)
            {
                Context.Stop(Self);
                return;
            }

            _replacing = false;
            ResetImage();
            RequestImage();
        });
        Receive<RetryRemove>(_ => RemoveUnit());
        Receive<WatchStarted>(m => _ = m.Watch.DisposeAsync().AsTask());
        Receive<StopContainer>(_ =>
        {
            _replacing = false;
        });
        Receive<PodChanged>(m =>
        {
            _ = UpdatePod(m.Pod);
        });
        ReceiveCommon();
    }

    // ---- Shared --------------------------------------------------------------------------------------------------

    private void ReceiveCommon()
    {
        Receive<DumpProtocol.DumpState>(_ => Sender.Tell(Dump()));
        Receive<EventRecorded>(recorded =>
        {
            if (recorded.Result.Outcome != ApiWriteOutcome.Done)
            {
                _log.Debug("Event {0} for {1} was not recorded: {2}", recorded.Reason, _identity, recorded.Result.Detail);
            }
        });
        Receive<KillSent>(_ => { });
    }

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    private V1Container? ContainerOf(V1Pod pod) =>
        (_isInit ? pod.Spec?.InitContainers : pod.Spec?.Containers)?.FirstOrDefault(c => c.Name == _container);

    /// <summary>Takes the new pod; true when the container's image changed.</summary>
    private bool UpdatePod(V1Pod pod)
    {
        _pod = pod;
        var image = ContainerOf(pod)?.Image ?? _wantedImage;
        var changed = image != _wantedImage;
        _wantedImage = image;
        return changed;
    }

    private void ObserveState(UnitState state)
    {
        _state = state;
        _lastSignalAt = Now;
    }

    // A completed init container is not run again for an image change (the pod is past it).
    private bool InitCompleted() =>
        _isInit && _state is { ExecMainCode: ChildExitCode.Exited, ExecMainStatus: 0, ActiveState: UnitActiveState.Active or UnitActiveState.Inactive };

    // Inactive with no run ever recorded, and not a container the API already saw finish (systemd unloads finished
    // units and forgets they ran; the last written status remembers).
    private bool NeverStarted(UnitState state) =>
        state.ActiveState == UnitActiveState.Inactive && state.InvocationId is null && WrittenStatus()?.State?.Terminated is null;

    /// <summary>This container's status as last written to the API (the pod object's status).</summary>
    private V1ContainerStatus? WrittenStatus() =>
        (_isInit ? _pod.Status?.InitContainerStatuses : _pod.Status?.ContainerStatuses)?.FirstOrDefault(s => s.Name == _container);

    private static bool IsStopped(UnitState state) => state.ActiveState is UnitActiveState.Inactive or UnitActiveState.Failed;

    private static bool SameContainer(V1Container? before, V1Container? after) =>
        k8s.KubernetesJson.Serialize(before) == k8s.KubernetesJson.Serialize(after);

    private static TimeSpan? RestartDelayOf(UnitFile file)
    {
        try
        {
            return CrashLoopBackoff.CurrentDelay(file);
        }
        catch (FormatException)
        {
            // Not in the form vks writes (edited by hand): the back-off is left alone.
            return null;
        }
    }

    private static string BinaryImageId(BinaryPathImage image) => "file://" + image.Path;

    private void Report()
    {
        var observation = new ContainerObservation
        {
            Name = _container,
            UnitName = _unitName,
            Unit = _state,
            Image = _imagePhase,
            ImageMessage = _imageMessage,
            ImageId = _imageId,
            TranslationFailure = _translationFailure,
            LastTermination = _lastTermination,
            RestartDelay = _isInit ? _initRetryDelay : _restartDelay,
            ActorRestarts = _actorRestarts,
            StartsOnExec = _unitFile?.FindSection("Service")?.ValuesOf("Type").LastOrDefault() == "exec",
        };
        if (observation != _reported)
        {
            _reported = observation;
            Context.Parent.Tell(new ContainerObserved(_container, observation));
        }
    }

    private void RecordEvent(KubernetesEventType type, string reason, string message) =>
        _services.Events.RecordAsync(_identity, type, reason, message, _fieldPath, _stopping.Token)
            .PipeTo(Self, success: result => new EventRecorded(reason, result), failure: error => new EventRecorded(reason, new ApiWriteResult(ApiWriteOutcome.Unavailable, error.Message)));

    private DumpProtocol.UnitDump Dump() => new(
        _container,
        _isInit,
        _wantedImage,
        _lifecycle,
        _unitName,
        _state?.ActiveState.ToString(),
        _state?.SubState,
        (int)Math.Min(int.MaxValue, (_state?.NRestarts ?? 0) + (long)_actorRestarts),
        _lastSignalAt,
        _isInit ? _initRetryDelay : _restartDelay)
    {
        MailboxDepth = DumpProtocol.MailboxDepthOf(Context),
    };

    private static async Task<UnitFileRead> ReadAsync(UnitFileStore store, string unitName, CancellationToken cancellationToken)
    {
        try
        {
            var file = await store.ReadAsync(unitName, cancellationToken).ConfigureAwait(false);
            return new UnitFileRead(file, file is null ? null : KubernetesUnitMetadata.FromUnitFile(file), null);
        }
        catch (FormatException)
        {
            // Not a unit vks can read under a name of ours: created afresh (the UnitFileActor replaces it).
            return new UnitFileRead(null, null, null);
        }
    }

    private static async Task<object> CreateUnitAsync(PodServices services, WriteUnitFile request, IActorRef self, CancellationToken cancellationToken)
    {
        var answer = await services.UnitFileWriter.Ask<IUnitFileAnswer>(request, WriteTimeout, cancellationToken).ConfigureAwait(false);
        if (answer is not UnitFileWritten)
        {
            return new CreationBlocked(answer.ToString()!);
        }

        // The watch and the start at once: under a burst every systemd call is answered late, and one after the other
        // they would wait twice. Nothing the start changes is missed or half seen: the watch subscribes before it
        // reads the unit's state in one reply, orders that reply and the signals by their serials, and publishes only
        // whole changes (see UnitWatch).
        var watching = services.Systemd.WatchUnitAsync(
            request.UnitName, state => self.Tell(new UnitStateChanged(state)), error => self.Tell(new WatchStopped(error)), cancellationToken);
        var starting = services.Systemd.StartUnitAsync(request.UnitName, JobMode.Replace, cancellationToken);
        try
        {
            await Task.WhenAll(watching, starting).ConfigureAwait(false);
        }
        catch
        {
            if (watching.IsCompletedSuccessfully)
            {
                await watching.Result.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        return new UnitCreated(await watching.ConfigureAwait(false), await starting.ConfigureAwait(false));
    }

    private static async Task<IUnitFileAnswer> RemoveUnitAsync(PodServices services, IAsyncDisposable? watch, RemoveUnitFile request, CancellationToken cancellationToken)
    {
        if (watch is not null)
        {
            await watch.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            // A failed unit stays loaded (and listed) until its failure is cleared.
            await services.Systemd.ResetFailedUnitAsync(request.UnitName, cancellationToken).ConfigureAwait(false);
        }
        catch (DBusErrorException)
        {
            // Not loaded (NoSuchUnit) or not failed: nothing to clear.
        }

        return await services.UnitFileWriter.Ask<IUnitFileAnswer>(request, WriteTimeout, cancellationToken).ConfigureAwait(false);
    }

    private sealed record UnitFileRead(UnitFile? File, KubernetesUnitMetadata? Metadata, Exception? Error);

    private sealed record BinaryChecked(BinaryPathImage Image, bool Exists);

    private sealed record Translated(UnitTranslation Translation);

    private sealed record UnitCreated(IAsyncDisposable Watch, SystemdJob StartJob);

    private sealed record CreationBlocked(string Reason);

    private sealed record UnitStateChanged(UnitState State);

    private sealed record WatchStarted(IAsyncDisposable Watch);

    private sealed record WatchFailed(string Reason);

    private sealed record WatchStopped(Exception Reason);

    private sealed record StartQueued(SystemdJob Job);

    private sealed record StartRefused(string Reason);

    private sealed record StartFinished(JobOutcome? Outcome);

    private sealed record StopQueued(SystemdJob Job);

    private sealed record StopRefused(string Reason, bool NoSuchUnit);

    private sealed record StopFinished(JobOutcome? Outcome);

    private sealed record KillFailed(string Reason);

    private sealed record UnitRemoved(IUnitFileAnswer Answer);

    private sealed record EventRecorded(string Reason, ApiWriteResult Result);

    private sealed record KillSent
    {
        public static readonly KillSent Instance = new();
    }

    private sealed record RetryLocate
    {
        public static readonly RetryLocate Instance = new();
    }

    private sealed record RetryPull
    {
        public static readonly RetryPull Instance = new();
    }

    private sealed record RetryCreate
    {
        public static readonly RetryCreate Instance = new();
    }

    private sealed record RetryStart
    {
        public static readonly RetryStart Instance = new();
    }

    private sealed record RetryWatch
    {
        public static readonly RetryWatch Instance = new();
    }

    private sealed record RetryStop
    {
        public static readonly RetryStop Instance = new();
    }

    private sealed record RetryRemove
    {
        public static readonly RetryRemove Instance = new();
    }

    private sealed record RetryInitContainer
    {
        public static readonly RetryInitContainer Instance = new();
    }

    private sealed record StableRunCheck
    {
        public static readonly StableRunCheck Instance = new();
    }

    private sealed record KillAfterGrace
    {
        public static readonly KillAfterGrace Instance = new();
    }
}
