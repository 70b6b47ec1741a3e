using Vks.Actors.Debug;
using Vks.App.Debug;

namespace Vks.App.Tests.Debug;

public sealed class DumpRendererTests
{
    [Fact]
    public void The_tree_reads_node_pods_units_and_packages()
    {
        const string expected = """
            node worker-1  state=Ready  uid=node-uid
              lease renewed 2026-11-23 12:00:00Z (3.5s ago)
              status patched 2026-11-23 11:59:40Z
              watch resourceVersion=1234
              did not answer: pod-stuck
            pods (1)
              default/web  uid=pod-uid  state=Running  phase=Running  generation=2
                init setup  image=/usr/bin/true  state=Running
                  vks.default.web.setup.service  inactive/dead  restarts=0  last signal 2026-11-23 12:00:00Z  RestartSec=-
                web  image=uptimed  state=Running
                  vks.default.web.web.service  active/running  restarts=3  last signal 2026-11-23 11:58:00Z  RestartSec=40s
            packages  last index refresh never
              current bash=5.2  policy=IfNotPresent  waiters=2  queued at 2026-11-23 12:00:00Z  started at 2026-11-23 12:00:01Z  installing
              queued nginx  policy=Always  waiters=1  queued at 2026-11-23 12:00:02Z

            """;

        Assert.Equal(expected.ReplaceLineEndings("\n"), DumpRenderer.Render(SampleDumps.Node()));
    }

    [Fact]
    public void A_node_still_starting_shows_what_it_lacks()
    {
        var node = new DumpProtocol.NodeDump("n", "Starting", null, null, null, null, null, "503 ServiceUnavailable", [], null, []);

        var text = DumpRenderer.Render(node);

        Assert.Contains("uid=-", text, StringComparison.Ordinal);
        Assert.Contains("lease renewed never", text, StringComparison.Ordinal);
        Assert.Contains("trouble: 503 ServiceUnavailable", text, StringComparison.Ordinal);
        Assert.Contains("pods (0)", text, StringComparison.Ordinal);
        Assert.Contains("packages: no answer", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Control_characters_from_outside_never_reach_the_terminal()
    {
        var hostile = "evil\u001b[2J\r\nREADY=1";
        var node = SampleDumps.Node() with
        {
            WatchTrouble = hostile,
            Pods = [new DumpProtocol.PodDump("ns", "p", "u", "Running", null, null, [new DumpProtocol.UnitDump("c", false, hostile, "PullingImage", "x.service", null, null, 0, null, null)], [])],
        };

        var text = DumpRenderer.Render(node);

        Assert.DoesNotContain(text, c => char.IsControl(c) && c != '\n');
        Assert.Contains("evil?[2J??READY=1", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_durations_read_in_minutes_and_hours()
    {
        var minutes = DumpRenderer.Render(SampleDumps.Node() with { LeaseAge = TimeSpan.FromSeconds(125) });
        var hours = DumpRenderer.Render(SampleDumps.Node() with { LeaseAge = TimeSpan.FromMinutes(185) });

        Assert.Contains("(2m5s ago)", minutes, StringComparison.Ordinal);
        Assert.Contains("(3h5m ago)", hours, StringComparison.Ordinal);
    }

    [Fact]
    public void The_kubelet_api_state_shows_under_the_node_when_the_app_filled_it_in()
    {
        var waiting = DumpRenderer.Render(SampleDumps.Node() with { KubeletApi = "not serving: waiting for approval of CSR csr-abc" });
        var none = DumpRenderer.Render(SampleDumps.Node());

        Assert.Contains("\n  kubelet API not serving: waiting for approval of CSR csr-abc\n", waiting, StringComparison.Ordinal);
        Assert.DoesNotContain("kubelet API", none, StringComparison.Ordinal);
    }
}
