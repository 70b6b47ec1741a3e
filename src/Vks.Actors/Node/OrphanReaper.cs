// Removes the units of pods that no longer exist in the API (deleted while vks was down), found at start: stop
// each unit (systemd sends SIGTERM, then SIGKILL after the unit's own TimeoutStopSec), wait for the stop job, clear
// a failed state, then remove its file through the UnitFileActor. Files are removed only after their unit stopped.
using Akka.Actor;
using Vks.Systemd.DBus;
using Vks.Systemd.Manager;
using static Vks.Actors.Units.UnitFileProtocol;

namespace Vks.Actors.Node;

internal static class OrphanReaper
{
    private static readonly TimeSpan RemoveTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Reaps <paramref name="units"/> concurrently; returns the ones that failed, with why.</summary>
    public static async Task<IReadOnlyList<(InventoriedUnit Unit, string Reason)>> ReapAsync(
        ISystemdManager systemd, IActorRef unitFiles, IReadOnlyList<InventoriedUnit> units, CancellationToken cancellationToken)
    {
        var reasons = await Task.WhenAll(units.Select(unit => ReapAsync(systemd, unitFiles, unit, cancellationToken))).ConfigureAwait(false);
        return units.Zip(reasons).Where(pair => pair.Second is not null).Select(pair => (pair.First, pair.Second!)).ToArray();
    }

    private static async Task<string?> ReapAsync(ISystemdManager systemd, IActorRef unitFiles, InventoriedUnit unit, CancellationToken cancellationToken)
    {
        try
        {
            var job = await systemd.StopUnitAsync(unit.UnitName, JobMode.Replace, cancellationToken).ConfigureAwait(false);
            var outcome = await job.Completion.ConfigureAwait(false);
            if (outcome.Result != JobResult.Done)
            {
                return $"the stop job ended with {outcome.Result}";
            }

            try
            {
                await systemd.ResetFailedUnitAsync(unit.UnitName, cancellationToken).ConfigureAwait(false);
            }
            catch (DBusErrorException)
            {
                // Not failed, or no longer loaded: nothing to clear.
            }

            var answer = await unitFiles.Ask<IUnitFileAnswer>(new RemoveUnitFile(unit.UnitName, unit.Metadata.PodUid), RemoveTimeout, cancellationToken).ConfigureAwait(false);
            return answer is UnitFileRemoved or UnitFileOwnedByAnotherPod ? null : answer.ToString();
        }
        catch (Exception e) when (e is DBusErrorException or DBusConnectionClosedException or AskTimeoutException)
        {
            return e.Message;
        }
    }
}
