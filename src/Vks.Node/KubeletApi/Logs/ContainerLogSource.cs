// Copies one run of a container's log from the journal to the response. The run's lines are those of the unit's
// processes (_SYSTEMD_UNIT) in that run (_SYSTEMD_INVOCATION_ID) that carry the pod's UID (VKS_POD_UID, which the
// unit adds to every line through LogExtraFields=): a pod deleted and created again under the same name has the same
// unit name, and only the UID tells its lines from the old pod's.
// Following ends when the run ends, as the kubelet ends `logs -f` when the container stops: systemd's signal for the
// unit stops journalctl, and one more read after the last line written picks up what journald stored meanwhile.
using Vks.Node.Pods;
using Vks.Systemd.Journal;
using Vks.Systemd.Manager;

namespace Vks.Node.KubeletApi.Logs;

internal sealed class ContainerLogSource(ISystemdManager systemd, JournalReader journal)
{
    private enum CopyOutcome
    {
        EntriesEnded,
        WriterDone,
        Stopped,
    }

    public Task<UnitState> GetUnitStateAsync(string unitName, CancellationToken cancellationToken) =>
        systemd.GetUnitStateAsync(unitName, cancellationToken);

    /// <summary>The unit's runs seen in the journal, newest first (read lazily).</summary>
    public IAsyncEnumerable<string> RunsNewestFirst(string unitName, string podUid) =>
        journal.ReadRunsNewestFirstAsync(unitName, [PodMatch(podUid)]);

    public async Task CopyAsync(string unitName, string podUid, string run, ContainerLogOptions options, ContainerLogWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(writer);
        var query = new JournalQuery([JournalMatch.Unit(unitName), PodMatch(podUid), JournalMatch.Invocation(run)])
        {
            Tail = options.TailLines,
            Since = options.Since,
        };
        if (options.Follow && !options.Previous)
        {
            var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            // A watch that stops on its own (systemd gone) ends the follow too: nobody would say when the run ends.
            await using var watch = await systemd.WatchUnitAsync(
                unitName,
                state =>
                {
                    if (!IsRunning(state, run))
                    {
                        ended.TrySetResult();
                    }
                },
                _ => ended.TrySetResult(),
                cancellationToken).ConfigureAwait(false);

            // The watch reports the state once before it returns: a run that has already ended is read once, below.
            if (!ended.Task.IsCompleted)
            {
                var outcome = await CopyUntilAsync(journal.ReadAsync(query with { Follow = true }, cancellationToken), writer, ended.Task, cancellationToken)
                    .ConfigureAwait(false);
                if (outcome != CopyOutcome.Stopped)
                {
                    return;
                }

                if (writer.LastCursor is { } cursor)
                {
                    query = query with { AfterCursor = cursor, Tail = null };
                }
            }
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        await CopyUntilAsync(journal.ReadAsync(query, cancellationToken), writer, stop: null, cancellationToken).ConfigureAwait(false);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static JournalMatch PodMatch(string podUid) => new(PodUnitTranslator.PodUidJournalField, podUid);

    // Whether the main process of this run still runs (or is about to start, or is stopping): when it does not, the
    // container has stopped. A new InvocationID means a new run, so this one has ended.
    internal static bool IsRunning(UnitState state, string run) =>
        state.InvocationIdHex == run
        && state.ActiveState is UnitActiveState.Active or UnitActiveState.Reloading or UnitActiveState.Activating or UnitActiveState.Deactivating
        && state.SubState is not ("exited" or "auto-restart" or "dead" or "failed");

    // Copies entries until they end, the writer takes no more, or stop completes. Output is flushed whenever the next
    // entry is not there yet, so a follower sees each line as soon as journalctl has it, and a reader of a long log
    // gets its first bytes at once.
    private static async Task<CopyOutcome> CopyUntilAsync(IAsyncEnumerable<JournalEntry> entries, ContainerLogWriter writer, Task? stop, CancellationToken cancellationToken)
    {
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var enumerator = entries.GetAsyncEnumerator(reading.Token);
        try
        {
            while (writer.CanWrite)
            {
                var next = enumerator.MoveNextAsync();
                if (!next.IsCompleted)
                {
                    await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                    if (stop is not null)
                    {
                        var pending = next.AsTask();
                        if (await Task.WhenAny(pending, stop).ConfigureAwait(false) == stop)
                        {
                            await reading.CancelAsync().ConfigureAwait(false);
                            try
                            {
                                // An entry that arrived meanwhile is not written; reading resumes after the last one written.
                                await pending.ConfigureAwait(false);
                            }
                            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                            {
                                // The read was stopped here, on purpose.
                            }

                            return CopyOutcome.Stopped;
                        }

                        next = new ValueTask<bool>(pending);
                    }
                }

                if (!await next.ConfigureAwait(false))
                {
                    return CopyOutcome.EntriesEnded;
                }

                await writer.WriteAsync(enumerator.Current, cancellationToken).ConfigureAwait(false);
            }

            return CopyOutcome.WriterDone;
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
    }
}
