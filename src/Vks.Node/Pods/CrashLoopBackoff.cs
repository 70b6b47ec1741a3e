// The kubelet's crash-loop back-off (10 s, doubling to 5 min, back to 10 s after 10 min of running) on top of
// systemd's own restarts. systemd 252 restarts a unit after a fixed RestartSec= (RestartSteps= and
// RestartMaxDelaySec= only arrived in 254), so systemd does the restarting and vks stretches RestartSec= in the
// unit file between crashes. Both changes are made while the container runs, never during the wait itself:
//   - after systemd restarted the container, RestartSec= doubles (up to 5 min) for the next crash;
//   - once the container has run for 10 min, RestartSec= goes back to 10 s.
// Why systemd restarts rather than vks: containers keep being restarted while vks itself is down or restarting
// (crash-only), and NRestarts, which systemd keeps across daemon-reload, is the restartCount. If vks is down, the
// delay simply stays at its last value. See docs/unit-mapping.md.
using System.Globalization;
using Vks.Systemd.Units;

namespace Vks.Node.Pods;

public static class CrashLoopBackoff
{
    public static readonly TimeSpan InitialDelay = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(5);

    /// <summary>How long a container must run before its back-off starts again from <see cref="InitialDelay"/>.</summary>
    public static readonly TimeSpan StableRun = TimeSpan.FromMinutes(10);

    private const string RestartSecKey = "RestartSec";

    /// <summary>The delay to put in force after systemd restarted the container: twice the current one, at most 5 min.</summary>
    public static TimeSpan DelayAfterRestart(TimeSpan current)
    {
        var doubled = current < InitialDelay ? InitialDelay : current * 2;
        return doubled > MaxDelay ? MaxDelay : doubled;
    }

    /// <summary>The delay to put in force while the container has been running for <paramref name="runningFor"/>.</summary>
    public static TimeSpan DelayWhileRunning(TimeSpan current, TimeSpan runningFor) =>
        runningFor >= StableRun ? InitialDelay : current;

    /// <summary>The RestartSec= value for <paramref name="delay"/>, in whole seconds (rounded up).</summary>
    public static string Render(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return ((long)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s";
    }

    /// <summary>The delay in force in a unit vks wrote, or null when it has none (Restart=no).</summary>
    public static TimeSpan? CurrentDelay(UnitFile unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        var raw = unit.FindSection("Service")?.ValuesOf(RestartSecKey).LastOrDefault();
        if (raw is null)
        {
            return null;
        }

        if (!raw.EndsWith('s') || !long.TryParse(raw.AsSpan(0, raw.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new FormatException($"RestartSec={raw} is not in the form vks writes (whole seconds, e.g. 10s).");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary><paramref name="unit"/> with RestartSec= set to <paramref name="delay"/>; nothing else changes.</summary>
    public static UnitFile WithDelay(UnitFile unit, TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(unit);
        var service = unit.FindSection("Service")
            ?? throw new ArgumentException("The unit has no [Service] section.", nameof(unit));
        if (!service.ValuesOf(RestartSecKey).Any())
        {
            throw new ArgumentException("The unit has no RestartSec= (Restart=no), so it has no back-off to change.", nameof(unit));
        }

        var directives = service.Directives.Select(d => d.Key == RestartSecKey ? new UnitDirective(RestartSecKey, Render(delay)) : d);
        return new UnitFile(unit.Sections.Select(s => ReferenceEquals(s, service) ? new UnitSection(s.Name, directives) : s));
    }
}
