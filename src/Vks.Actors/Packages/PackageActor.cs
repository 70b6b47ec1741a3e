// The only code that runs apt or dpkg, one job at a time, through IPackageInstaller.
// - Requests queue in arrival order; a request for an image and policy already queued or running joins that job,
//   so concurrent containers of one package share one install.
// - imagePullPolicy: IfNotPresent and Never take an installed package as it is (of the pinned version, if the image
//   pins one); Never fails when it is missing; Always installs or upgrades to the candidate. apt's candidate only
//   moves when its index does, so Always runs apt-get only when the installed version is not the candidate.
// - A package (version) apt does not know triggers one index refresh (apt-get update), at most once per
//   IndexRefreshInterval; apt-get install then runs anyway, so a failure carries apt's own error line.
// - The back-off after a failed install (ImagePullBackOff) is kept per container by the UnitActor, like kubelet's
//   per-image back-off; this actor only answers each request once.
using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Vks.Actors.Debug;
using Vks.Node.Images;
using static Vks.Actors.Packages.PackageProtocol;

namespace Vks.Actors.Packages;

internal sealed class PackageActor : ReceiveActor
{
    public static readonly TimeSpan IndexRefreshInterval = TimeSpan.FromMinutes(5);

    private readonly IPackageInstaller _installer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<PackageJob> _queued = [];
    private PackageJob? _current;
    private DateTimeOffset? _lastIndexRefresh;

    public PackageActor(IPackageInstaller installer)
    {
        _installer = installer;
        Receive<EnsurePackage>(Enqueue);
        Receive<InstallStarted>(OnInstallStarted);
        Receive<JobFinished>(OnJobFinished);
        Receive<DumpProtocol.DumpState>(_ => Sender.Tell(Dump()));
    }

    public static Props Props(IPackageInstaller installer) => Akka.Actor.Props.Create(() => new PackageActor(installer));

    /// <summary>Whether the installed package already serves a request with this policy.</summary>
    internal static bool IsSatisfied(PackageQuery query, DebianPackageImage image, PullPolicy policy)
    {
        if (query.InstalledVersion is null)
        {
            return false;
        }

        if (image.Version is not null)
        {
            return query.InstalledVersion == image.Version;
        }

        // Always: only the candidate will do; a package apt has no candidate for (installed by hand) has nothing newer.
        return policy != PullPolicy.Always || query.CandidateVersion is null || query.InstalledVersion == query.CandidateVersion;
    }

    /// <summary>Whether apt's index knows what the image asks for.</summary>
    internal static bool IsAvailable(PackageQuery query, DebianPackageImage image) =>
        image.Version is null ? query.CandidateVersion is not null : query.AvailableVersions.Contains(image.Version);

    protected override void PostStop()
    {
        _stopping.Cancel();
    }

    private void Enqueue(EnsurePackage request)
    {
        var job = _current is { } current && current.Serves(request) ? current : _queued.FirstOrDefault(j => j.Serves(request));
        if (job is null)
        {
            job = new PackageJob(request.Image, request.Policy, Context.System.Scheduler.Now);
            _queued.Add(job);
        }
        else if (job.Installing)
        {
            Sender.Tell(new PackageInstalling(request.Image));
        }

        job.Waiters.Add(Sender);
        StartNext();
    }

    private void StartNext()
    {
        if (_current is not null || _queued.Count == 0)
        {
            return;
        }

        var job = _queued[0];
        _queued.RemoveAt(0);
        _current = job;
        var now = Context.System.Scheduler.Now;
        job.StartedAt = now;
        var mayRefreshIndex = _lastIndexRefresh is not { } last || now - last >= IndexRefreshInterval;
        var installer = _installer;
        var self = Self;
        var token = _stopping.Token;
        // On the thread pool from the first line: starting a process blocks.
        Task.Run(() => ProcessAsync(installer, job.Image, job.Policy, mayRefreshIndex, self, token), token)
            .PipeTo(
                Self,
                success: outcome => new JobFinished(job, outcome.Answer, outcome.RefreshedIndex, outcome.RefreshError),
                failure: error => new JobFinished(job, new PackagePullFailed(job.Image, $"vks could not run apt: {error.Message}"), false, null));
    }

    private void OnInstallStarted(InstallStarted started)
    {
        if (_current is not { } job || job.Image != started.Image)
        {
            return;
        }

        job.Installing = true;
        job.InstallStartedAt = Stopwatch.GetTimestamp();
        ActorMetrics.InstallStarted();
        _log.Info("Installing {0}", job.Image.AptArgument);
        foreach (var waiter in job.Waiters)
        {
            waiter.Tell(new PackageInstalling(job.Image));
        }
    }

    private void OnJobFinished(JobFinished finished)
    {
        if (finished.RefreshedIndex)
        {
            _lastIndexRefresh = Context.System.Scheduler.Now;
            if (finished.RefreshError is not null)
            {
                _log.Warning("apt-get update failed: {0}", finished.RefreshError);
            }
        }

        if (finished.Job.Installing)
        {
            ActorMetrics.InstallFinished(succeeded: finished.Answer is PackageReady, Stopwatch.GetElapsedTime(finished.Job.InstallStartedAt));
        }

        if (finished.Answer is PackagePullFailed failed)
        {
            _log.Warning("{0} could not be installed: {1}", finished.Job.Image.AptArgument, failed.Message);
        }

        foreach (var waiter in finished.Job.Waiters)
        {
            waiter.Tell(finished.Answer);
        }

        _current = null;
        StartNext();
    }

    private DumpProtocol.PackageQueueDump Dump() =>
        new(_current?.ToDump(), _queued.Select(j => j.ToDump()).ToList(), _lastIndexRefresh) { MailboxDepth = DumpProtocol.MailboxDepthOf(Context) };

    private static async Task<Outcome> ProcessAsync(
        IPackageInstaller installer, DebianPackageImage image, PullPolicy policy, bool mayRefreshIndex, IActorRef self, CancellationToken cancellationToken)
    {
        var query = await installer.QueryAsync(image.Package, cancellationToken).ConfigureAwait(false);
        if (IsSatisfied(query, image, policy))
        {
            return new Outcome(await ReadyAsync(query.InstalledVersion!, installed: false).ConfigureAwait(false), false, null);
        }

        if (policy == PullPolicy.Never)
        {
            return new Outcome(new PackageNeverPullMissing(image), false, null);
        }

        var refreshedIndex = false;
        string? refreshError = null;
        if (!IsAvailable(query, image) && mayRefreshIndex)
        {
            var refresh = await installer.RefreshIndexAsync(cancellationToken).ConfigureAwait(false);
            refreshedIndex = true;
            refreshError = refresh.Succeeded ? null : refresh.ErrorLine ?? "apt-get update failed";
            query = await installer.QueryAsync(image.Package, cancellationToken).ConfigureAwait(false);
            if (IsSatisfied(query, image, policy))
            {
                return new Outcome(await ReadyAsync(query.InstalledVersion!, installed: false).ConfigureAwait(false), true, refreshError);
            }
        }

        self.Tell(new InstallStarted(image));
        var install = await installer.InstallAsync(image, cancellationToken).ConfigureAwait(false);
        if (!install.Succeeded)
        {
            return new Outcome(new PackagePullFailed(image, install.ErrorLine ?? $"apt-get install {image.AptArgument} failed."), refreshedIndex, refreshError);
        }

        var after = await installer.QueryAsync(image.Package, cancellationToken).ConfigureAwait(false);
        if (after.InstalledVersion is null)
        {
            return new Outcome(new PackagePullFailed(image, $"apt-get install {image.AptArgument} succeeded, but the package is not installed."), refreshedIndex, refreshError);
        }

        return new Outcome(await ReadyAsync(after.InstalledVersion, installed: true).ConfigureAwait(false), refreshedIndex, refreshError);

        async Task<IPackageAnswer> ReadyAsync(string version, bool installed) =>
            new PackageReady(image, version, await installer.ReadServiceUnitAsync(image.Package, cancellationToken).ConfigureAwait(false), installed);
    }

    private sealed record Outcome(IPackageAnswer Answer, bool RefreshedIndex, string? RefreshError);

    // Sent by the running job itself (before its JobFinished), so it concerns the current job.
    private sealed record InstallStarted(DebianPackageImage Image);

    private sealed record JobFinished(PackageJob Job, IPackageAnswer Answer, bool RefreshedIndex, string? RefreshError);

    private sealed class PackageJob(DebianPackageImage image, PullPolicy policy, DateTimeOffset queuedAt)
    {
        public DebianPackageImage Image { get; } = image;

        public PullPolicy Policy { get; } = policy;

        public List<IActorRef> Waiters { get; } = [];

        public DateTimeOffset? StartedAt { get; set; }

        public bool Installing { get; set; }

        /// <summary>When apt-get install started (a Stopwatch timestamp), for the install duration metric.</summary>
        public long InstallStartedAt { get; set; }

        public bool Serves(EnsurePackage request) => request.Image == Image && request.Policy == Policy;

        public DumpProtocol.PackageJobDump ToDump() =>
            new(Image.AptArgument, Policy.ToString(), Waiters.Count, queuedAt, StartedAt, Installing);
    }
}
