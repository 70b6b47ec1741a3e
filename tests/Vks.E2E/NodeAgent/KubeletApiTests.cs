// The kubelet API of vks running under systemd in the testbed, reached the way users reach it: kubectl logs and
// `kubectl get --raw .../proxy/...` go through the API server, which verifies vks' CSR-issued serving certificate
// (--kubelet-certificate-authority) and authenticates with its kubelet-client certificate. No
// --insecure-skip-tls-verify-backend anywhere.
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vks.E2E.Testbed;
using Vks.Node.Pods;
using static Vks.E2E.NodeAgent.PodStatus;

namespace Vks.E2E.NodeAgent;

[Collection(TestbedCollection.Name)]
public sealed partial class KubeletApiTests(TestbedFixture testbedFixture, NodeAgentFixture nodeFixture) : IClassFixture<NodeAgentFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly Testbed.Testbed _testbed = testbedFixture.Testbed;

    private static Dictionary<string, object> Bash(string name, string script) =>
        TestNamespace.Container(name, "bash", new() { ["command"] = new[] { "bash", "-c", script } });

    private static async Task<string> RunningPodAsync(TestNamespace ns, string name, params Dictionary<string, object>[] containers)
    {
        await ns.CreatePodAsync(name, TestNamespace.PodSpec("Always", containers));
        var pod = await ns.WaitPodAsync(name, p => Phase(p) == "Running" && containers.All(c => IsReady(p, (string)c["name"])), Patience);
        return Uid(pod);
    }

    private static async Task<string> LogsAsync(TestNamespace ns, params string[] arguments) =>
        (await ns.Kubectl(["logs", .. arguments])).EnsureSuccess($"kubectl logs {string.Join(' ', arguments)}").Stdout;

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task Kubectl_logs_with_tail_timestamps_limit_bytes_and_container_behaves_as_against_a_kubelet()
    {
        await nodeFixture.StartAsync(_testbed);
        await using var ns = await TestNamespace.CreateAsync(_testbed, "logs");
        await RunningPodAsync(ns, "counter",
            Bash("numbers", "for i in $(seq 1 10); do echo \"line $i\"; done; exec sleep infinity"),
            Bash("letters", "echo alpha; echo beta; exec sleep infinity"));
        var all = await Eventually.ReadUntilAsync(() => LogsAsync(ns, "counter", "-c", "numbers"), o => Lines(o).Length == 10, Patience);

        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"line {i}"), Lines(all));
        Assert.Equal(["line 8", "line 9", "line 10"], Lines(await LogsAsync(ns, "counter", "-c", "numbers", "--tail=3")));
        Assert.Equal("line 1\nli", await LogsAsync(ns, "counter", "-c", "numbers", "--limit-bytes=9"));
        Assert.Equal(["alpha", "beta"], Lines(await LogsAsync(ns, "counter", "-c", "letters")));
        var stamped = Lines(await LogsAsync(ns, "counter", "-c", "numbers", "--timestamps", "--tail=2"));
        Assert.Equal(2, stamped.Length);
        foreach (var line in stamped)
        {
            var match = TimestampedLine().Match(line);
            Assert.True(match.Success, line);
            var at = DateTimeOffset.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.InRange(at, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddSeconds(5));
        }
    }

    [Fact]
    public async Task A_chatty_container_loses_no_lines_to_journald_rate_limiting()
    {
        await nodeFixture.StartAsync(_testbed);
        await using var ns = await TestNamespace.CreateAsync(_testbed, "chatty");
        // Twice journald's default burst (10,000 lines per 30 s per unit), written at once.
        await RunningPodAsync(ns, "chatty", Bash("main", "seq 1 20000; exec sleep infinity"));

        var logs = await Eventually.ReadUntilAsync(() => LogsAsync(ns, "chatty"), o => Lines(o).Length >= 20000, Patience);

        Assert.Equal(Enumerable.Range(1, 20000).Select(i => i.ToString(CultureInfo.InvariantCulture)), Lines(logs));
    }

    [Fact]
    public async Task Kubectl_logs_since_and_follow_see_only_recent_and_new_lines()
    {
        await nodeFixture.StartAsync(_testbed);
        await using var ns = await TestNamespace.CreateAsync(_testbed, "follow");
        await RunningPodAsync(ns, "ticker", Bash("main", "i=0; while true; do i=$((i+1)); echo \"tick $i\"; sleep 1; done"));
        // Let it tick for a while, so that --since has something to leave out.
        var ticked = await Eventually.ReadUntilAsync(() => LogsAsync(ns, "ticker"), o => Lines(o).Length >= 8, Patience);
        Assert.True(Lines(ticked).Length >= 8, ticked);

        var recent = Lines(await LogsAsync(ns, "ticker", "--since=3s"));
        Assert.InRange(recent.Length, 1, 5);
        Assert.DoesNotContain("tick 1", recent);

        // -f streams until kubectl is stopped; 5 s of it holds the last line and the ones that came after.
        var followed = await ProcessRunner.RunAsync("timeout",
            ["5", "kubectl", "--kubeconfig", _testbed.AdminKubeconfig, "-n", ns.Name, "logs", "-f", "--tail=1", "ticker"], Patience);
        Assert.Equal(124, followed.ExitCode);
        var ticks = Lines(followed.Stdout).Select(l => int.Parse(l["tick ".Length..], CultureInfo.InvariantCulture)).ToArray();
        Assert.True(ticks.Length >= 3, followed.Stdout);
        Assert.Equal(Enumerable.Range(ticks[0], ticks.Length), ticks);
    }

    [Fact]
    public async Task Kubectl_logs_previous_shows_the_run_before_a_restart()
    {
        await nodeFixture.StartAsync(_testbed);
        await using var ns = await TestNamespace.CreateAsync(_testbed, "previous");
        // systemd gives every run of a unit its own INVOCATION_ID: each run names itself.
        await ns.CreatePodAsync("restarts", TestNamespace.PodSpec("Always", Bash("main", "echo \"run $INVOCATION_ID\"; sleep 2; exit 1")));
        await ns.WaitPodAsync("restarts", p => RestartCount(p, "main") >= 1, Patience);

        var current = await Eventually.ReadUntilAsync(() => LogsAsync(ns, "restarts"), o => o.StartsWith("run ", StringComparison.Ordinal), Patience);
        var previous = await LogsAsync(ns, "restarts", "--previous");

        Assert.Matches("^run [0-9a-f]{32}\n$", current);
        Assert.Matches("^run [0-9a-f]{32}\n$", previous);
        Assert.NotEqual(current, previous);
    }

    [Fact]
    public async Task A_pod_deleted_and_created_again_with_the_same_name_shows_only_the_new_pods_lines()
    {
        await nodeFixture.StartAsync(_testbed);
        await using var ns = await TestNamespace.CreateAsync(_testbed, "again");
        await RunningPodAsync(ns, "same", Bash("main", "echo first pod; exec sleep infinity"));
        await Eventually.ReadUntilAsync(() => LogsAsync(ns, "same"), o => o.Length > 0, Patience);
        (await ns.Kubectl("delete", "pod", "same", "--timeout=60s")).EnsureSuccess("delete pod");

        await RunningPodAsync(ns, "same", Bash("main", "echo second pod; exec sleep infinity"));
        var logs = await Eventually.ReadUntilAsync(() => LogsAsync(ns, "same"), o => o.Length > 0, Patience);

        Assert.Equal("second pod\n", logs);
    }

    [Fact]
    public async Task Stats_summary_shows_cpu_and_memory_of_a_busy_pod_and_metrics_are_served()
    {
        var node = await nodeFixture.StartAsync(_testbed);
        await using var ns = await TestNamespace.CreateAsync(_testbed, "stats");
        var uid = await RunningPodAsync(ns, "busy", Bash("spin", "while :; do :; done"));

        var summary = VksNode.ParseJson((await _testbed.KubectlAsync("get", "--raw", $"/api/v1/nodes/{node.NodeName}/proxy/stats/summary"))
            .EnsureSuccess("get stats/summary").Stdout);

        Assert.Equal(node.NodeName, summary.GetProperty("node").GetProperty("nodeName").GetString());
        Assert.True(summary.GetProperty("node").GetProperty("memory").GetProperty("workingSetBytes").GetInt64() > 0);
        var pod = Assert.Single(summary.GetProperty("pods").EnumerateArray(), p => p.GetProperty("podRef").GetProperty("uid").GetString() == uid);
        var container = Assert.Single(pod.GetProperty("containers").EnumerateArray());
        Assert.Equal("spin", container.GetProperty("name").GetString());
        Assert.True(container.GetProperty("cpu").GetProperty("usageNanoCores").GetInt64() > 0, container.ToString());
        Assert.True(container.GetProperty("cpu").GetProperty("usageCoreNanoSeconds").GetInt64() > 0, container.ToString());
        Assert.True(container.GetProperty("memory").GetProperty("workingSetBytes").GetInt64() > 0, container.ToString());

        var resource = (await _testbed.KubectlAsync("get", "--raw", $"/api/v1/nodes/{node.NodeName}/proxy/metrics/resource"))
            .EnsureSuccess("get metrics/resource").Stdout;
        Assert.Matches($"container_cpu_usage_seconds_total{{container=\"spin\",namespace=\"{ns.Name}\",pod=\"busy\"}} [0-9.e+-]+ [0-9]+\n", resource);
        var metrics = (await _testbed.KubectlAsync("get", "--raw", $"/api/v1/nodes/{node.NodeName}/proxy/metrics"))
            .EnsureSuccess("get metrics").Stdout;
        Assert.Matches("vks_dbus_calls_total\\{[^}]*member=\"StartUnit\"[^}]*\\} [1-9]", metrics);
        Assert.Matches("vks_pods\\{phase=\"Running\"\\} [1-9]", metrics);
    }

    [Fact]
    public async Task The_kubelet_port_refuses_anonymous_requests_and_a_restart_keeps_the_serving_certificate()
    {
        var node = await nodeFixture.StartAsync(_testbed);
        using (var handler = new SocketsHttpHandler())
        {
            // Only the authentication is under test here; the API server verified the certificate already.
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            using var anonymous = new HttpClient(handler);
            var response = await anonymous.GetAsync(new Uri($"https://127.0.0.1:{_testbed.KubeletPort}/pods"));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("Status", status.RootElement.GetProperty("kind").GetString());
        }

        var requests = await node.ServingCertificateRequestsAsync();
        (await _testbed.ExecAsync("systemctl", "restart", VksNode.ServiceName)).EnsureSuccess("restart vks");
        await node.WaitNodeReadyAsync();
        var healthz = await Eventually.ReadUntilAsync(
            async () => (await _testbed.KubectlAsync("get", "--raw", $"/api/v1/nodes/{node.NodeName}/proxy/healthz")).Stdout.Trim(),
            h => h == "ok", Patience);

        Assert.Equal("ok", healthz);
        Assert.Equal(requests, await node.ServingCertificateRequestsAsync());
    }

    // kubectl logs --timestamps: RFC3339Nano as the kubelet writes it (UTC, trailing zeros trimmed), then the line.
    [GeneratedRegex(@"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z) line (9|10)$")]
    private static partial Regex TimestampedLine();
}
