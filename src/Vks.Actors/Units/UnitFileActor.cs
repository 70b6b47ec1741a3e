// The only writer of vks' unit files. Changes are applied in batches, each followed by at most ONE daemon-reload:
// while a batch and its reload run, new requests wait and form the next batch, so 200 pods created at once cost a
// handful of reloads instead of 200 (a reload re-reads every loaded unit and takes seconds with hundreds loaded).
// On systemd 247 and later most batches need no reload at all: a new file for a unit systemd has not loaded is found
// when the unit is started, and a removed file's unit is unloaded once stopped. Only a file written for a unit that
// is loaded (a replaced container, a successor of the same name whose predecessor is still loaded) is reloaded.
// Each requester is answered once the batch (and its reload) is done, so it can start the unit right away.
// A file belongs to the pod its [X-Kubernetes] PodUID names. A file of another pod is neither overwritten nor
// removed: after a force delete, the old pod's units may still be stopping while a successor of the same name (and
// so the same unit name) arrives.
using Akka.Actor;
using Akka.Event;
using Vks.Systemd.DBus;
using Vks.Systemd.Manager;
using Vks.Systemd.Units;
using static Vks.Actors.Units.UnitFileProtocol;

namespace Vks.Actors.Units;

internal sealed class UnitFileActor : ReceiveActor
{
    private readonly UnitFileStore _store;
    private readonly ISystemdManager _systemd;
    private readonly bool _loadsNewFilesWithoutReload;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private List<Pending> _pending = [];
    private bool _applying;

    /// <param name="loadsNewFilesWithoutReload">SystemdCapabilities.LoadsNewUnitFilesWithoutReload of the running
    /// systemd; false reloads after every change.</param>
    public UnitFileActor(UnitFileStore store, ISystemdManager systemd, bool loadsNewFilesWithoutReload)
    {
        _store = store;
        _systemd = systemd;
        _loadsNewFilesWithoutReload = loadsNewFilesWithoutReload;
        Receive<IUnitFileRequest>(request =>
        {
            _pending.Add(new Pending(request, Sender));
            ApplyNext();
        });
        Receive<BatchApplied>(OnBatchApplied);
    }

    public static Props Props(UnitFileStore store, ISystemdManager systemd, bool loadsNewFilesWithoutReload) =>
        Akka.Actor.Props.Create(() => new UnitFileActor(store, systemd, loadsNewFilesWithoutReload));

    protected override void PostStop()
    {
        _stopping.Cancel();
    }

    private void ApplyNext()
    {
        if (_applying || _pending.Count == 0)
        {
            return;
        }

        var batch = _pending;
        _pending = [];
        _applying = true;
        var requests = batch.Select(p => p.Request).ToArray();
        var store = _store;
        var systemd = _systemd;
        var reloadOnlyForLoadedUnits = _loadsNewFilesWithoutReload;
        var token = _stopping.Token;
        // On the thread pool from the first line: file I/O must not run on the actor's thread.
        Task.Run(() => ApplyAsync(store, systemd, reloadOnlyForLoadedUnits, requests, token), token)
            .PipeTo(
                Self,
                success: answers => new BatchApplied(batch, answers),
                failure: error => new BatchApplied(batch, batch.Select(p => (IUnitFileAnswer)new UnitFileFailed(p.Request.UnitName, error.Message)).ToArray()));
    }

    private void OnBatchApplied(BatchApplied applied)
    {
        for (var i = 0; i < applied.Batch.Count; i++)
        {
            if (applied.Answers[i] is UnitFileFailed failed)
            {
                _log.Warning("Unit file {0}: {1}", failed.UnitName, failed.Reason);
            }

            applied.Batch[i].ReplyTo.Tell(applied.Answers[i]);
        }

        _applying = false;
        ApplyNext();
    }

    private static async Task<IUnitFileAnswer[]> ApplyAsync(
        UnitFileStore store, ISystemdManager systemd, bool reloadOnlyForLoadedUnits, IUnitFileRequest[] requests, CancellationToken cancellationToken)
    {
        var answers = new IUnitFileAnswer[requests.Length];
        var reload = false;
        for (var i = 0; i < requests.Length; i++)
        {
            var request = requests[i];
            try
            {
                var exists = File.Exists(Path.Combine(store.Directory, request.UnitName));
                var owner = exists ? await OwnerOfAsync(store, request.UnitName, cancellationToken).ConfigureAwait(false) : null;
                if (owner is not null && owner != request.PodUid)
                {
                    answers[i] = new UnitFileOwnedByAnotherPod(request.UnitName, owner);
                }
                else if (request is WriteUnitFile write)
                {
                    await store.WriteAsync(write.UnitName, write.File, cancellationToken).ConfigureAwait(false);
                    // A loaded unit keeps its old definition (or its "not found") until a reload.
                    reload |= !reloadOnlyForLoadedUnits || await systemd.GetUnitAsync(write.UnitName, cancellationToken).ConfigureAwait(false) is not null;
                    answers[i] = new UnitFileWritten(write.UnitName);
                }
                else
                {
                    if (exists)
                    {
                        await store.RemoveAsync(request.UnitName, cancellationToken).ConfigureAwait(false);
                        reload |= !reloadOnlyForLoadedUnits;
                    }

                    answers[i] = new UnitFileRemoved(request.UnitName);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                answers[i] = new UnitFileFailed(request.UnitName, e.Message);
            }
        }

        if (reload)
        {
            try
            {
                await systemd.ReloadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DBusErrorException or DBusConnectionClosedException)
            {
                // The files are changed, but systemd does not know yet: the requesters try again, which reloads again.
                for (var i = 0; i < answers.Length; i++)
                {
                    if (answers[i] is UnitFileWritten or UnitFileRemoved)
                    {
                        answers[i] = new UnitFileFailed(requests[i].UnitName, $"daemon-reload failed: {e.Message}");
                    }
                }
            }
        }

        return answers;
    }

    // A file vks cannot read (not UTF-8, not a unit file, no [X-Kubernetes]) has our name but no owner: it is replaced.
    private static async Task<string?> OwnerOfAsync(UnitFileStore store, string unitName, CancellationToken cancellationToken)
    {
        try
        {
            var file = await store.ReadAsync(unitName, cancellationToken).ConfigureAwait(false);
            return file is null ? null : KubernetesUnitMetadata.FromUnitFile(file)?.PodUid;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private sealed record Pending(IUnitFileRequest Request, IActorRef ReplyTo);

    private sealed record BatchApplied(IReadOnlyList<Pending> Batch, IReadOnlyList<IUnitFileAnswer> Answers);
}
