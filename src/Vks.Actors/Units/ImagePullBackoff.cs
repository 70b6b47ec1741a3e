// The wait after a failed install of a container's package (ImagePullBackOff), kept per container by its UnitActor
// like kubelet keeps it per pod and image: 10 s after the first failure, doubling up to 5 min. The first failure
// shows as ErrImagePull, later ones as ImagePullBackOff (the container is in back-off because it keeps failing).
using Vks.Node.Status;

namespace Vks.Actors.Units;

internal static class ImagePullBackoff
{
    public static readonly TimeSpan Initial = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Max = TimeSpan.FromMinutes(5);

    /// <summary>The wait before the next attempt after <paramref name="failures"/> failures in a row (at least 1).</summary>
    public static TimeSpan DelayAfter(int failures)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        // 2^5 * 10 s is already past 5 min; the exponent is capped so it cannot overflow.
        var delay = Initial * Math.Pow(2, Math.Min(failures - 1, 5));
        return delay > Max ? Max : delay;
    }

    /// <summary>How the container shows while it waits after <paramref name="failures"/> failures.</summary>
    public static ImagePhase PhaseAfter(int failures) => failures <= 1 ? ImagePhase.Failed : ImagePhase.BackOff;
}
