// READY=1 for a Type=notify unit: sent when the NodeSupervisor publishes NodeSynced, i.e. once vks has synced with
// both systemd and the API server. systemd holds `systemctl start vks` (and units ordered after vks) until then.
// A supervisor that restarts publishes NodeSynced again; a second READY=1 is harmless.
using Akka.Actor;
using Akka.Event;
using Vks.Actors.Node;
using Vks.Systemd.Notify;

namespace Vks.App.Daemon;

internal sealed class ReadinessNotifier : ReceiveActor
{
    public ReadinessNotifier(SystemdNotifier notifier)
    {
        var log = Context.GetLogger();
        ReceiveAsync<NodeProtocol.NodeSynced>(async synced =>
        {
            await notifier.ReadyAsync($"node {synced.NodeName} synced").ConfigureAwait(false);
            log.Info("Node {0} synced with systemd and the API server: ready", synced.NodeName);
        });
    }

    public static Props Props(SystemdNotifier notifier) => Akka.Actor.Props.Create(() => new ReadinessNotifier(notifier));
}
