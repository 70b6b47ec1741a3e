// How long a container may take to stop: SIGTERM first, SIGKILL once this has passed.
using k8s.Models;

namespace Vks.Actors.Pods;

internal static class PodGrace
{
    // The API server's default for terminationGracePeriodSeconds.
    public const long DefaultSeconds = 30;

    // A pod may ask for any int64; past a day the number is a mistake (or an attack on the timer), not a grace period.
    public static readonly TimeSpan Longest = TimeSpan.FromDays(1);

    /// <summary>For a deleted pod: deletionGracePeriodSeconds (what `kubectl delete --grace-period` asked for, 0 for a
    /// force delete), else the spec's terminationGracePeriodSeconds.</summary>
    public static TimeSpan ForDeletion(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return Seconds(pod.Metadata?.DeletionGracePeriodSeconds ?? pod.Spec?.TerminationGracePeriodSeconds);
    }

    /// <summary>For a container replaced after a spec change: the spec's terminationGracePeriodSeconds.</summary>
    public static TimeSpan ForReplacement(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return Seconds(pod.Spec?.TerminationGracePeriodSeconds);
    }

    private static TimeSpan Seconds(long? seconds) =>
        TimeSpan.FromSeconds(Math.Clamp(seconds ?? DefaultSeconds, 0, (long)Longest.TotalSeconds));
}
