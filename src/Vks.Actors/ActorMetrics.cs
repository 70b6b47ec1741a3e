// The metrics of the actor side, served on the kubelet API's /metrics (see docs/metrics.md):
// - package installs, counted by the PackageActor as they happen;
// - the state of the actor tree (pods by phase, units by ActiveState, mailbox depths) as observable gauges. That state
//   lives in the actors, so it is read from the debug dump, which ObserveNodeAsync takes once per scrape: nothing
//   polls between scrapes, and what a scrape reports is never older than the scrape.
using System.Diagnostics.Metrics;
using Akka.Actor;
using Vks.Actors.Debug;

namespace Vks.Actors;

public static class ActorMetrics
{
    public const string MeterName = "Vks.Actors";

    /// <summary>How long a scrape waits for the dump: the NodeSupervisor gives its PodActors twice
    /// <see cref="DumpProtocol.ChildTimeout"/> (they ask their UnitActors in turn), and answers after that.</summary>
    public static readonly TimeSpan DumpTimeout = DumpProtocol.ChildTimeout * 3;

    private static readonly Meter Meter = new(MeterName);

    // Reported with 0 when no pod or unit is in them, so a dashboard or an alert sees a value rather than nothing.
    private static readonly string[] PodPhases = ["Pending", "Running", "Succeeded", "Failed", "Unknown"];
    private static readonly string[] UnitActiveStates = ["active", "reloading", "inactive", "failed", "activating", "deactivating", "maintenance", "refreshing"];

    // A package already in apt's cache installs in a second; a big one over a slow mirror takes minutes.
    private static readonly double[] InstallDurationBuckets = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200];

    // The dump the last scrape took; null when the NodeSupervisor did not answer in time.
    private static DumpProtocol.NodeDump? s_node;

    internal static readonly Counter<long> PackageInstallsStarted = Meter.CreateCounter<long>(
        "vks.package.installs.started", description: "apt-get install runs started (a package already present is not installed).");

    internal static readonly Counter<long> PackageInstalls = Meter.CreateCounter<long>(
        "vks.package.installs", description: "apt-get install runs finished, by result: succeeded, or failed (ErrImagePull).");

    internal static readonly Histogram<double> PackageInstallDuration = Meter.CreateHistogram(
        "vks.package.install.duration",
        unit: "s",
        description: "Time from the start of apt-get install to its result (for a fresh install, disabling the package's own units too), by result.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = InstallDurationBuckets });

    internal static readonly ObservableGauge<int> Pods = Meter.CreateObservableGauge(
        "vks.pods", ObservePods, description: "Pods this node runs, by the phase vks last wrote (Pending until it wrote one).");

    internal static readonly ObservableGauge<int> Units = Meter.CreateObservableGauge(
        "vks.units", ObserveUnits, description: "Container units, by systemd ActiveState (none: the unit is not there yet, e.g. while its package installs).");

    internal static readonly ObservableGauge<int> MailboxDepth = Meter.CreateObservableGauge(
        "vks.actor.mailbox.depth", ObserveMailboxes, description: "Messages waiting in an actor's mailbox, by actor (node, packages, pod, unit) and the pod and container it is for.");

    internal static readonly ObservableGauge<int> Unanswered = Meter.CreateObservableGauge(
        "vks.actors.unanswered", ObserveUnanswered, description: "Actors that did not answer the dump in time (stuck or overloaded; their mailbox depth is unknown).");

    /// <summary>Takes the dump the gauges report. When the NodeSupervisor does not answer within
    /// <see cref="DumpTimeout"/>, the gauges report nothing rather than an older state.</summary>
    public static async Task ObserveNodeAsync(IActorRef supervisor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(supervisor);
        try
        {
            Observe(await supervisor.Ask<DumpProtocol.NodeDump>(DumpProtocol.DumpState.Instance, DumpTimeout, cancellationToken).ConfigureAwait(false));
        }
        catch (AskTimeoutException)
        {
            Observe(null);
        }
    }

    internal static void Observe(DumpProtocol.NodeDump? node) => Volatile.Write(ref s_node, node);

    internal static void InstallStarted() => PackageInstallsStarted.Add(1);

    internal static void InstallFinished(bool succeeded, TimeSpan duration)
    {
        var result = new KeyValuePair<string, object?>("result", succeeded ? "succeeded" : "failed");
        PackageInstalls.Add(1, result);
        PackageInstallDuration.Record(duration.TotalSeconds, result);
    }

    private static IEnumerable<Measurement<int>> ObservePods() =>
        Volatile.Read(ref s_node) is { } node ? CountBy("phase", PodPhases, node.Pods.Select(p => p.Phase ?? "Pending")) : [];

    private static IEnumerable<Measurement<int>> ObserveUnits() =>
        Volatile.Read(ref s_node) is { } node
            ? CountBy("active_state", UnitActiveStates, node.Pods.SelectMany(p => p.Units).Select(u => ActiveStateLabel(u.ActiveState)))
            : [];

    private static IEnumerable<Measurement<int>> ObserveMailboxes()
    {
        if (Volatile.Read(ref s_node) is not { } node)
        {
            yield break;
        }

        yield return new(node.MailboxDepth, new KeyValuePair<string, object?>("actor", "node"));
        if (node.Packages is { } packages)
        {
            yield return new(packages.MailboxDepth, new KeyValuePair<string, object?>("actor", "packages"));
        }

        foreach (var pod in node.Pods)
        {
            yield return new(pod.MailboxDepth, new("actor", "pod"), new("namespace", pod.Namespace), new("pod", pod.Name));
            foreach (var unit in pod.Units)
            {
                yield return new(unit.MailboxDepth, new("actor", "unit"), new("namespace", pod.Namespace), new("pod", pod.Name), new("container", unit.Container));
            }
        }
    }

    private static IEnumerable<Measurement<int>> ObserveUnanswered() =>
        Volatile.Read(ref s_node) is { } node ? [new(node.Unanswered.Count + node.Pods.Sum(p => p.Unanswered.Count))] : [];

    // The dump spells ActiveState as vks' enum does (Active); systemd and systemctl spell it active.
    private static string ActiveStateLabel(string? activeState) =>
#pragma warning disable CA1308 // systemd's own spelling is lower case; this is not a normalisation for comparison
        activeState?.ToLowerInvariant() ?? "none";
#pragma warning restore CA1308

    private static IEnumerable<Measurement<int>> CountBy(string label, string[] known, IEnumerable<string> values)
    {
        var counts = known.ToDictionary(value => value, _ => 0, StringComparer.Ordinal);
        foreach (var value in values)
        {
            counts[value] = counts.GetValueOrDefault(value) + 1;
        }

        return counts.Select(count => new Measurement<int>(count.Value, new KeyValuePair<string, object?>(label, count.Key)));
    }
}
