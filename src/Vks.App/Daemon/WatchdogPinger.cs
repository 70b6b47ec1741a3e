// WATCHDOG=1 at half of the WatchdogSec systemd enforces (sd_watchdog_enabled(3)), and STOPPING=1 when the host
// stops. The pings come from a timer on the thread pool: they prove the process is alive and its thread pool is not
// starved, which is what a hung daemon loses first. When systemd sets no watchdog, this only says STOPPING=1.
using Microsoft.Extensions.Hosting;
using Vks.Systemd.Notify;

namespace Vks.App.Daemon;

internal sealed class WatchdogPinger(SystemdNotifier notifier) : BackgroundService
{
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Registered after Akka, so stopped before it: systemd learns of the stop before the actors wind down.
        await notifier.StoppingAsync(cancellationToken).ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (notifier.WatchdogTimeout is not { } timeout)
        {
            return;
        }

        using var timer = new PeriodicTimer(timeout / 2);
        try
        {
            do
            {
                await notifier.WatchdogAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // the host is stopping
        }
    }
}
