// The only writer of vks' unit files, and the only caller of daemon-reload.
// - Each change is applied as soon as it arrives; changes to different units run at once, changes to one unit one
//   after another, in order. Under a burst (200 pods created at once) systemd, busy starting units, answers each
//   call late; in a row, 200 such calls would take seconds.
// - On systemd 247 and later most changes need no reload: a new file for a unit systemd has not loaded is found
//   when the unit is started, and a removed file's unit is unloaded once stopped. Only a file written for a unit that
//   is loaded (a replaced container, a successor of the same name whose predecessor is still loaded) needs one; on
//   older systemd every change does. Such a change is answered after a reload that started after it was applied.
// - Reloads are shared: while one runs, the changes that need one wait together for the next single reload, so a
//   burst costs a handful of reloads instead of 200 (a reload re-reads every loaded unit and takes seconds with
//   hundreds loaded).
// - A requester is answered once its change is in effect for systemd, so it can start the unit right away.
// A file belongs to the pod its [X-Kubernetes] PodUID names. A file of another pod is neither overwritten nor
// removed: after a force delete, the old pod's units may still be stopping while a successor of the same name (and
// so the same unit name) arrives.
using Akka.Actor;
using Akka.Event;
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

    // Per unit, its change being applied (first) and the ones waiting behind it; a unit with none has no entry.
    private readonly Dictionary<string, Queue<Pending>> _units = new(StringComparer.Ordinal);
    private List<Applied> _awaitingReload = [];
    private bool _reloading;

    /// <param name="loadsNewFilesWithoutReload">SystemdCapabilities.LoadsNewUnitFilesWithoutReload of the running
    /// systemd; false reloads after every change.</param>
    public UnitFileActor(UnitFileStore store, ISystemdManager systemd, bool loadsNewFilesWithoutReload)
    {
        _store = store;
        _systemd = systemd;
        _loadsNewFilesWithoutReload = loadsNewFilesWithoutReload;
        Receive<IUnitFileRequest>(request => Enqueue(new Pending(request, Sender)));
        Receive<Applied>(OnApplied);
        Receive<Reloaded>(OnReloaded);
    }

    public static Props Props(UnitFileStore store, ISystemdManager systemd, bool loadsNewFilesWithoutReload) =>
        Akka.Actor.Props.Create(() => new UnitFileActor(store, systemd, loadsNewFilesWithoutReload));

    protected override void PostStop()
    {
        _stopping.Cancel();
    }

    private void Enqueue(Pending pending)
    {
        if (_units.TryGetValue(pending.Request.UnitName, out var queue))
        {
            queue.Enqueue(pending);
            return;
        }

        _units[pending.Request.UnitName] = new Queue<Pending>([pending]);
        Apply(pending);
    }

    private void Apply(Pending pending)
    {
        var store = _store;
        var systemd = _systemd;
        var reloadOnlyForLoadedUnits = _loadsNewFilesWithoutReload;
        var token = _stopping.Token;
        // On the thread pool from the first line: file I/O must not run on the actor's thread.
        Task.Run(() => ApplyOneAsync(store, systemd, reloadOnlyForLoadedUnits, pending.Request, token), token)
            .PipeTo(
                Self,
                success: outcome => new Applied(pending, outcome.Answer, outcome.NeedsReload),
                failure: error => new Applied(pending, new UnitFileFailed(pending.Request.UnitName, error.Message), NeedsReload: false));
    }

    private void OnApplied(Applied applied)
    {
        if (!applied.NeedsReload)
        {
            Answer(applied.Pending, applied.Answer);
            return;
        }

        _awaitingReload.Add(applied);
        ReloadIfIdle();
    }

    private void ReloadIfIdle()
    {
        if (_reloading || _awaitingReload.Count == 0)
        {
            return;
        }

        var waiting = _awaitingReload;
        _awaitingReload = [];
        _reloading = true;
        var token = _stopping.Token;
        _systemd.ReloadAsync(token).PipeTo(
            Self,
            success: () => new Reloaded(waiting, null),
            failure: error => new Reloaded(waiting, error));
    }

    private void OnReloaded(Reloaded reloaded)
    {
        _reloading = false;
        foreach (var applied in reloaded.Waiting)
        {
            // The file is changed, but systemd does not know yet: the requester tries again, which reloads again.
            Answer(applied.Pending, reloaded.Error is null
                ? applied.Answer
                : new UnitFileFailed(applied.Pending.Request.UnitName, $"daemon-reload failed: {reloaded.Error.Message}"));
        }

        ReloadIfIdle();
    }

    private void Answer(Pending pending, IUnitFileAnswer answer)
    {
        if (answer is UnitFileFailed failed)
        {
            _log.Warning("Unit file {0}: {1}", failed.UnitName, failed.Reason);
        }

        pending.ReplyTo.Tell(answer);
        var queue = _units[pending.Request.UnitName];
        queue.Dequeue();
        if (queue.Count == 0)
        {
            _units.Remove(pending.Request.UnitName);
        }
        else
        {
            Apply(queue.Peek());
        }
    }

    private static async Task<(IUnitFileAnswer Answer, bool NeedsReload)> ApplyOneAsync(
        UnitFileStore store, ISystemdManager systemd, bool reloadOnlyForLoadedUnits, IUnitFileRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var exists = File.Exists(Path.Combine(store.Directory, request.UnitName));
            var owner = exists ? await OwnerOfAsync(store, request.UnitName, cancellationToken).ConfigureAwait(false) : null;
            if (owner is not null && owner != request.PodUid)
            {
                return (new UnitFileOwnedByAnotherPod(request.UnitName, owner), false);
            }

            if (request is WriteUnitFile write)
            {
                await store.WriteAsync(write.UnitName, write.File, cancellationToken).ConfigureAwait(false);
                // A loaded unit keeps its old definition (or its "not found") until a reload.
                var loaded = !reloadOnlyForLoadedUnits || await systemd.GetUnitAsync(write.UnitName, cancellationToken).ConfigureAwait(false) is not null;
                return (new UnitFileWritten(write.UnitName), loaded);
            }

            if (exists)
            {
                await store.RemoveAsync(request.UnitName, cancellationToken).ConfigureAwait(false);
            }

            return (new UnitFileRemoved(request.UnitName), exists && !reloadOnlyForLoadedUnits);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (new UnitFileFailed(request.UnitName, e.Message), false);
        }
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

    private sealed record Applied(Pending Pending, IUnitFileAnswer Answer, bool NeedsReload);

    private sealed record Reloaded(IReadOnlyList<Applied> Waiting, Exception? Error);
}
