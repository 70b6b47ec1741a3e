// Which run of a container's unit `kubectl logs` shows, decided the way the kubelet picks a container instance from the
// container's status (validateContainerLogStatus): a run is one InvocationID of the unit.
//  - The current run is the unit's InvocationID as systemd has it (systemd keeps it after the run ended, until the
//    next start); when systemd no longer has the unit loaded, the newest run the journal knows.
//  - previous=true: there must be a terminated earlier run in the container's status (lastState.terminated), else
//    "not found". While the container waits to be started again (crash-loop back-off), that terminated run is the
//    newest run itself, as in the kubelet, where lastState then holds the container that just crashed; otherwise it
//    is the run before the newest one, taken from the journal.
using k8s.Models;
using Vks.Systemd.Manager;

namespace Vks.Node.KubeletApi.Logs;

internal static class ContainerRunChoice
{
    /// <summary>The InvocationID (32 lower-case hex digits) whose lines to show; null when there is no such run.</summary>
    /// <param name="runsNewestFirst">The unit's runs from the journal, newest first; only read as far as needed.</param>
    public static async Task<string?> ChooseAsync(
        bool previous,
        UnitState unit,
        V1ContainerStatus? status,
        IAsyncEnumerable<string> runsNewestFirst,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(runsNewestFirst);
        var newest = unit.InvocationIdHex;
        if (!previous)
        {
            return newest ?? await FirstAsync(runsNewestFirst, _ => true, cancellationToken).ConfigureAwait(false);
        }

        if (status?.LastState?.Terminated is null)
        {
            return null;
        }

        var waitingToRestart = status.State?.Waiting is not null || unit.SubState == "auto-restart";
        if (waitingToRestart)
        {
            return newest ?? await FirstAsync(runsNewestFirst, _ => true, cancellationToken).ConfigureAwait(false);
        }

        if (newest is not null)
        {
            return await FirstAsync(runsNewestFirst, run => run != newest, cancellationToken).ConfigureAwait(false);
        }

        // systemd forgot the unit: the journal's newest run is the current one, the next is the previous one.
        string? journalNewest = null;
        return await FirstAsync(runsNewestFirst, run => (journalNewest ??= run) != run, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string?> FirstAsync(IAsyncEnumerable<string> runs, Func<string, bool> wanted, CancellationToken cancellationToken)
    {
        await foreach (var run in runs.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (wanted(run))
            {
                return run;
            }
        }

        return null;
    }
}
