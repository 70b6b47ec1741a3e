// The live actor tree for `vks debug dump`. Every actor answers DumpState itself with its own record; a parent asks
// its children, waits a bounded time, and names the ones that did not answer instead of failing the whole dump.
// The NodeSupervisor's NodeDump is the root; the lead serves it on the debug socket. /metrics reports the same dump
// as gauges (ActorMetrics).
// MailboxDepth: the messages waiting behind the dump request in the actor's mailbox when it answered; one that keeps
// growing is an actor that cannot keep up.
using Akka.Actor;

namespace Vks.Actors.Debug;

public static class DumpProtocol
{
    /// <summary>How long a parent waits for each child's answer.</summary>
    public static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The user messages queued in the mailbox of the actor <paramref name="context"/> belongs to
    /// (ActorCell.NumberOfMessages), not counting the one it is handling.</summary>
    internal static int MailboxDepthOf(IActorContext context) => context is ActorCell cell ? cell.NumberOfMessages : 0;

    public sealed record DumpState
    {
        public static readonly DumpState Instance = new();

        private DumpState()
        {
        }
    }

    /// <param name="State">Starting (reading the host and systemd), Syncing (waiting for the first pod list) or Ready.</param>
    /// <param name="LeaseAge">Time since the Lease was last renewed.</param>
    /// <param name="WatchTrouble">The pod feed's last failure, while it retries.</param>
    /// <param name="Unanswered">Children that did not answer within <see cref="ChildTimeout"/>.</param>
    public sealed record NodeDump(
        string NodeName,
        string State,
        string? NodeUid,
        DateTimeOffset? LeaseRenewedAt,
        TimeSpan? LeaseAge,
        DateTimeOffset? StatusPatchedAt,
        string? WatchResourceVersion,
        string? WatchTrouble,
        IReadOnlyList<PodDump> Pods,
        PackageQueueDump? Packages,
        IReadOnlyList<string> Unanswered)
    {
        public int MailboxDepth { get; init; }

        /// <summary>The kubelet API's state (serving, or why not), which lives outside the actors: filled in by the
        /// app before the dump goes out.</summary>
        public string? KubeletApi { get; init; }
    }

    /// <param name="State">The PodActor's lifecycle state: Discovering, Running, Terminating or Deleting.</param>
    /// <param name="Phase">The phase last written to the API.</param>
    public sealed record PodDump(
        string Namespace,
        string Name,
        string Uid,
        string State,
        string? Phase,
        long? Generation,
        IReadOnlyList<UnitDump> Units,
        IReadOnlyList<string> Unanswered)
    {
        public int MailboxDepth { get; init; }
    }

    /// <param name="State">The UnitActor's lifecycle state (Locating, PullingImage, ImageBackOff, Creating, ConfigError,
    /// Running, Stopping).</param>
    /// <param name="Restarts">restartCount: NRestarts plus the actor's own retries of an init container.</param>
    /// <param name="LastSignalAt">When the unit's state last changed (a PropertiesChanged signal).</param>
    public sealed record UnitDump(
        string Container,
        bool InitContainer,
        string Image,
        string State,
        string UnitName,
        string? ActiveState,
        string? SubState,
        int Restarts,
        DateTimeOffset? LastSignalAt,
        TimeSpan? RestartDelay)
    {
        public int MailboxDepth { get; init; }
    }

    public sealed record PackageQueueDump(PackageJobDump? Current, IReadOnlyList<PackageJobDump> Queued, DateTimeOffset? LastIndexRefresh)
    {
        public int MailboxDepth { get; init; }
    }

    /// <param name="Image">The apt argument: "name" or "name=version".</param>
    /// <param name="Waiters">How many containers wait for this job (concurrent requests share it).</param>
    /// <param name="Installing">apt-get install is running (not just a query).</param>
    public sealed record PackageJobDump(string Image, string Policy, int Waiters, DateTimeOffset QueuedAt, DateTimeOffset? StartedAt, bool Installing);
}
