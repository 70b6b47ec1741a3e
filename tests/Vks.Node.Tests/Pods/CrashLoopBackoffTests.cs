using Vks.Node.Pods;
using Vks.Systemd.Units;

namespace Vks.Node.Tests.Pods;

public sealed class CrashLoopBackoffTests
{
    [Fact]
    public void Doubles_from_10_seconds_to_5_minutes_like_kubelet()
    {
        var delays = new List<TimeSpan> { CrashLoopBackoff.InitialDelay };
        for (var i = 0; i < 7; i++)
        {
            delays.Add(CrashLoopBackoff.DelayAfterRestart(delays[^1]));
        }

        Assert.Equal([10, 20, 40, 80, 160, 300, 300, 300], delays.Select(d => (int)d.TotalSeconds));
    }

    [Fact]
    public void Starts_again_from_10_seconds_after_10_minutes_of_running()
    {
        var current = TimeSpan.FromMinutes(5);

        Assert.Equal(current, CrashLoopBackoff.DelayWhileRunning(current, TimeSpan.FromMinutes(9) + TimeSpan.FromSeconds(59)));
        Assert.Equal(CrashLoopBackoff.InitialDelay, CrashLoopBackoff.DelayWhileRunning(current, TimeSpan.FromMinutes(10)));
    }

    [Fact]
    public void Rewrites_only_RestartSec_of_a_translated_unit()
    {
        var unit = TestPods.Unit(PodUnitTranslator.Translate(
            TestPods.Pod("web", TestPods.Container("web", "/usr/bin/env", args: ["sleep", "1"])), "web", TestPods.Context())).Unit;

        Assert.Equal(CrashLoopBackoff.InitialDelay, CrashLoopBackoff.CurrentDelay(unit));
        var stretched = CrashLoopBackoff.WithDelay(unit, TimeSpan.FromSeconds(160));

        Assert.Equal(TimeSpan.FromSeconds(160), CrashLoopBackoff.CurrentDelay(UnitFile.Parse(stretched.Render())));
        Assert.Equal(unit.Render().Replace("RestartSec=10s", "RestartSec=160s", StringComparison.Ordinal), stretched.Render());
    }

    [Fact]
    public void Units_that_never_restart_have_no_back_off()
    {
        var unit = TestPods.Unit(PodUnitTranslator.Translate(
            TestPods.Pod("job", TestPods.Container("job", "/usr/bin/env", args: ["true"]), restartPolicy: "Never"), "job", TestPods.Context())).Unit;

        Assert.Null(CrashLoopBackoff.CurrentDelay(unit));
        Assert.Throws<ArgumentException>(() => CrashLoopBackoff.WithDelay(unit, TimeSpan.FromSeconds(20)));
    }
}
