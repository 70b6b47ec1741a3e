// The node agent end to end: vks runs as packaging/vks.service under the testbed machine's systemd, and every test
// drives it the way a user does, through kubectl, then checks systemd's side in the machine.
using System.Text.Json;
using Vks.E2E.Testbed;
using Vks.Node.Pods;
using static Vks.E2E.NodeAgent.PodStatus;

namespace Vks.E2E.NodeAgent;

[Collection(TestbedCollection.Name)]
public sealed class NodeAgentTests(TestbedFixture testbedFixture, NodeAgentFixture nodeFixture) : IClassFixture<NodeAgentFixture>
{
    // A first install of a package downloads it (and may refresh a stale apt index).
    private static readonly TimeSpan InstallPatience = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly Testbed.Testbed _testbed = testbedFixture.Testbed;

    [Fact]
    public async Task The_seed_example_uptimed_runs_and_its_unit_is_active()
    {
        var node = await nodeFixture.StartAsync(_testbed);
        await using var ns = await TestNamespace.CreateAsync(_testbed, "uptimed");

        await ns.CreatePodAsync("uptimed", TestNamespace.PodSpec("Always", TestNamespace.Container("uptimed", "uptimed")));

        var pod = await ns.WaitPodAsync("uptimed", p => Phase(p) == "Running" && IsReady(p, "uptimed"), InstallPatience);
        var unit = ContainerUnitName.For(ns.Name, "uptimed", Uid(pod), "uptimed");
        Assert.Equal($"systemd://{unit}", Container(pod, "uptimed")!.Value.GetProperty("containerID").GetString());
        var state = await node.ShowAsync(unit, "ActiveState", "SubState");
        Assert.Equal(("active", "running"), (state["ActiveState"], state["SubState"]));
        var get = (await ns.Kubectl("get", "pod", "uptimed", "--no-headers")).EnsureSuccess("kubectl get pod");
        Assert.Matches(@"^uptimed\s+1/1\s+Running\s+0\s", get.Stdout);
        Assert.Equal("127.0.0.1", pod.GetProperty("status").GetProperty("podIP").GetString());
    }

    [Fact]
    public async Task The_node_carries_its_labels_taint_capacity_and_lease_and_is_registered_again_when_deleted()
    {
        var node = await nodeFixture.StartAsync(_testbed);

        var registered = await ReadNodeAsync(node);
        var labels = registered.GetProperty("metadata").GetProperty("labels");
        Assert.Equal("linux", labels.GetProperty("kubernetes.io/os").GetString());
        Assert.Equal("vks", labels.GetProperty("node.kubernetes.io/instance-type").GetString());
        Assert.Equal("virtual-kubelet", labels.GetProperty("type").GetString());
        var taint = Assert.Single(registered.GetProperty("spec").GetProperty("taints").EnumerateArray());
        Assert.Equal(("virtual-kubelet.io/provider", "vks", "NoSchedule"),
            (taint.GetProperty("key").GetString(), taint.GetProperty("value").GetString(), taint.GetProperty("effect").GetString()));
        var status = registered.GetProperty("status");
        Assert.Equal("110", status.GetProperty("capacity").GetProperty("pods").GetString());
        var onlineCpus = (await _testbed.ExecAsync("getconf", "_NPROCESSORS_ONLN")).EnsureSuccess("getconf").Stdout.Trim();
        Assert.Equal(onlineCpus, status.GetProperty("capacity").GetProperty("cpu").GetString());
        Assert.Contains(status.GetProperty("addresses").EnumerateArray(),
            a => a.GetProperty("type").GetString() == "InternalIP" && a.GetProperty("address").GetString() == "127.0.0.1");
        var info = status.GetProperty("nodeInfo");
        Assert.StartsWith("systemd://", info.GetProperty("containerRuntimeVersion").GetString(), StringComparison.Ordinal);
        Assert.Equal(_testbed.KubeletPort, status.GetProperty("daemonEndpoints").GetProperty("kubeletEndpoint").GetProperty("Port").GetInt32());
        var uid = registered.GetProperty("metadata").GetProperty("uid").GetString();

        var lease = VksNode.ParseJson((await _testbed.KubectlAsync("-n", "kube-node-lease", "get", "lease", node.NodeName, "-o", "json"))
            .EnsureSuccess("get lease").Stdout);
        Assert.Equal(40, lease.GetProperty("spec").GetProperty("leaseDurationSeconds").GetInt32());
        var owner = Assert.Single(lease.GetProperty("metadata").GetProperty("ownerReferences").EnumerateArray());
        Assert.Equal(("Node", uid), (owner.GetProperty("kind").GetString(), owner.GetProperty("uid").GetString()));

        (await _testbed.KubectlAsync("delete", "node", node.NodeName)).EnsureSuccess("delete node");

        var again = await Eventually.ReadUntilAsync(() => ReadNodeOrNullAsync(node),
            n => n is { } x && x.GetProperty("metadata").GetProperty("uid").GetString() != uid, Patience);
        Assert.NotNull(again);
        await node.WaitNodeReadyAsync();
    }

    private async Task<JsonElement> ReadNodeAsync(VksNode node) =>
        await ReadNodeOrNullAsync(node) ?? throw new InvalidOperationException($"no Node {node.NodeName}");

    private async Task<JsonElement?> ReadNodeOrNullAsync(VksNode node)
    {
        var result = await _testbed.KubectlAsync("get", "node", node.NodeName, "-o", "json");
        return result.ExitCode == 0 ? VksNode.ParseJson(result.Stdout) : null;
    }

    [Fact]
    public async Task A_bash_command_with_args_succeeds_and_the_same_with_exit_3_fails_with_exit_code_3()
    {
        var node = await nodeFixture.StartAsync(_testbed);
        await using var ns = await TestNamespace.CreateAsync(_testbed, "bash");
        Dictionary<string, object> Bash(string script) => TestNamespace.Container("main", "bash", new()
        {
            ["command"] = new[] { "bash", "-c" },
            ["args"] = new[] { script },
            ["env"] = new[] { new Dictionary<string, object> { ["name"] = "WHO", ["value"] = "vks e2e" } },
        });

        await ns.CreatePodAsync("ok", TestNamespace.PodSpec("Never", Bash("echo \"hello from $(WHO)\"; exit 0")));
        await ns.CreatePodAsync("fails", TestNamespace.PodSpec("Never", Bash("echo failing; exit 3")));

        var ok = await ns.WaitPodAsync("ok", p => Phase(p) == "Succeeded", Patience);
        Assert.Equal(0, Terminated(ok, "main")!.Value.GetProperty("exitCode").GetInt32());
        Assert.Equal("Completed", StateReason(ok, "main"));
        var journal = (await _testbed.ExecAsync("journalctl", "--no-pager", "-o", "cat", "-u", ContainerUnitName.For(ns.Name, "ok", Uid(ok), "main")))
            .EnsureSuccess("journalctl");
        Assert.Contains("hello from vks e2e", journal.Stdout, StringComparison.Ordinal);

        var failed = await ns.WaitPodAsync("fails", p => Phase(p) == "Failed", Patience);
        Assert.Equal(3, Terminated(failed, "main")!.Value.GetProperty("exitCode").GetInt32());
        Assert.Equal("Error", StateReason(failed, "main"));
        Assert.Equal(0, RestartCount(failed, "main"));
        var unit = ContainerUnitName.For(ns.Name, "fails", Uid(failed), "main");
        Assert.Equal("failed", (await node.ShowAsync(unit, "ActiveState"))["ActiveState"]);
    }

    [Fact]
    public async Task A_command_container_is_written_as_ContainerCreating_then_Running_and_ready_and_nothing_between()
    {
        await nodeFixture.StartAsync(_testbed);
        await using var ns = await TestNamespace.CreateAsync(_testbed, "startwrites");
        const int count = 5;

        // Every version of every pod the API server stores, from before the first exists until the watch times out.
        var watch = ns.Kubectl(
            "get", "pods", "--watch", "--request-timeout=40s", "-o",
            "jsonpath={.metadata.name}|{.status.phase}|{.status.containerStatuses[0].ready}|{.status.containerStatuses[0].state}{\"\\n\"}");
        await Task.Delay(TimeSpan.FromSeconds(2)); // kubectl's start and first list, so the watch sees the first creation
        // One after another: a start on a warm vks is quick, and that is when a short-lived state would be written.
        for (int i = 0; i < count; i++)
        {
            await ns.CreatePodAsync($"sleeper-{i}", TestNamespace.PodSpec("Always", TestNamespace.Container("main", "bash", new()
            {
                ["command"] = new[] { "bash", "-c", "exec sleep infinity" },
            })));
            await ns.WaitPodAsync($"sleeper-{i}", p => Phase(p) == "Running" && IsReady(p, "main"), Patience);
        }

        var versions = (await watch).EnsureSuccess("kubectl get pods --watch").Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => v.Split('|', 2))
            .GroupBy(v => v[0], v => v[1])
            .ToDictionary(g => g.Key, g => g.ToList());

        // A Type=exec unit is activating only between fork and exec: vks writes no "Running, not ready" for it.
        Assert.Equal(count, versions.Count);
        Assert.All(versions, pod =>
        {
            Assert.StartsWith("Pending|", pod.Value[0], StringComparison.Ordinal);
            Assert.StartsWith("Running|true|", pod.Value[^1], StringComparison.Ordinal);
            Assert.DoesNotContain(pod.Value, v => v.StartsWith("Running|false|", StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task Sixty_quick_pods_applied_at_once_all_succeed_none_seen_as_crashed()
    {
        await nodeFixture.StartAsync(_testbed);
        await using var ns = await TestNamespace.CreateAsync(_testbed, "quick");
        const int count = 60;

        // A process that ends at once changes the unit's Service and Unit interfaces in one go. Seen half applied
        // (activating, process exited), such a run once looked like a crash: lastState set and the pod Failed.
        await ns.CreatePodsAsync("quick", count, TestNamespace.PodSpec("Never", TestNamespace.Container("main", "bash", new()
        {
            ["command"] = new[] { "bash", "-c", "echo ok" },
        })));

        var pods = await Eventually.ReadUntilAsync(
            () => ns.ListPodsAsync("app=quick"), all => all.Count(p => Phase(p) is "Succeeded" or "Failed") == count, InstallPatience);
        Assert.All(pods, p =>
        {
            Assert.True(Phase(p) == "Succeeded", $"{p.GetProperty("metadata").GetProperty("name")}: {p.GetProperty("status")}");
            Assert.Equal(0, Terminated(p, "main")!.Value.GetProperty("exitCode").GetInt32());
            Assert.False(Container(p, "main")!.Value.GetProperty("lastState").TryGetProperty("terminated", out _), "no earlier run");
        });
    }

    [Fact]
    public async Task A_hundred_pods_applied_at_once_all_run_each_in_its_own_active_unit()
    {
        var node = await nodeFixture.StartAsync(_testbed);
        await using var ns = await TestNamespace.CreateAsync(_testbed, "burst");
        const int count = 100;
        var spec = TestNamespace.PodSpec("Always", TestNamespace.Container("main", "bash", new() { ["command"] = new[] { "sleep", "infinity" } }));

        await ns.CreatePodsAsync("burst", count, spec);

        var pods = await Eventually.ReadUntilAsync(
            () => ns.ListPodsAsync("app=burst"), all => all.Count(p => Phase(p) == "Running" && IsReady(p, "main")) == count, InstallPatience);
        Assert.Equal(count, pods.Count(p => Phase(p) == "Running" && IsReady(p, "main")));
        string[] units = [.. pods.Select(p => ContainerUnitName.For(ns.Name, p.GetProperty("metadata").GetProperty("name").GetString()!, Uid(p), "main"))];
        var states = (await _testbed.ExecAsync(["systemctl", "is-active", "--", .. units])).EnsureSuccess("systemctl is-active");
        Assert.Equal(Enumerable.Repeat("active", count), states.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        // Hundreds of systemd calls were in flight at once: none was refused by the bus (max_replies_per_connection).
        var metrics = (await _testbed.KubectlAsync("get", "--raw", $"/api/v1/nodes/{node.NodeName}/proxy/metrics")).EnsureSuccess("get metrics");
        Assert.Contains("vks_dbus_calls_total", metrics.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("LimitsExceeded", metrics.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_crashing_container_is_restarted_with_crash_loop_back_off()
    {
        await nodeFixture.StartAsync(_testbed);
        await using var ns = await TestNamespace.CreateAsync(_testbed, "crash");

        await ns.CreatePodAsync("crash", TestNamespace.PodSpec("Always", TestNamespace.Container("main", "bash", new()
        {
            ["command"] = new[] { "bash", "-c", "echo crashing; exit 1" },
        })));

        // Kubelet-like back-off: 10 s, then 20 s, so the second restart comes about 30 s in.
        var pod = await ns.WaitPodAsync("crash", p => RestartCount(p, "main") >= 2 && StateReason(p, "main") == "CrashLoopBackOff", Patience);
        var last = Container(pod, "main")!.Value.GetProperty("lastState").GetProperty("terminated");
        Assert.Equal(1, last.GetProperty("exitCode").GetInt32());
        Assert.Equal("Error", last.GetProperty("reason").GetString());
        Assert.Contains(await ns.EventsAsync("crash"), e => e.StartsWith("Warning BackOff: Back-off restarting failed container", StringComparison.Ordinal));
        var get = (await ns.Kubectl("get", "pod", "crash", "--no-headers")).EnsureSuccess("kubectl get pod");
        Assert.Matches(@"^crash\s+0/1\s+CrashLoopBackOff\s+[2-9]\s", get.Stdout);
    }

    [Fact]
    public async Task A_deployment_rolls_to_a_new_image_tag_and_its_units_are_replaced()
    {
        var node = await nodeFixture.StartAsync(_testbed);
        var repository = new LocalAptRepository(_testbed);
        await repository.PublishAsync("1.0", "2.0");
        try
        {
            await using var ns = await TestNamespace.CreateAsync(_testbed, "roll");
            await ns.ApplyAsync(Deployment(LocalAptRepository.Package + ":1.0"));
            var first = await WaitRolledOutAsync(ns, "1.0");

            await ns.ApplyAsync(Deployment(LocalAptRepository.Package + ":2.0"));
            var second = await WaitRolledOutAsync(ns, "2.0");

            Assert.Empty(first.Select(p => p.Unit).Intersect(second.Select(p => p.Unit)));
            foreach (var (_, unit) in first)
            {
                Assert.False(node.UnitFileExists(unit), $"{unit} of the old replica set is still on disk");
            }
            foreach (var (_, unit) in second)
            {
                Assert.Equal("active", (await node.ShowAsync(unit, "ActiveState"))["ActiveState"]);
                // No command in the pod: the package's own unit gave ExecStart and Environment.
                var journal = await Eventually.ReadUntilAsync(
                    async () => (await _testbed.ExecAsync("journalctl", "--no-pager", "-o", "cat", "-u", unit)).Stdout,
                    output => output.Contains("says hello", StringComparison.Ordinal), Patience);
                Assert.Contains($"{LocalAptRepository.Package} 2.0 says hello", journal, StringComparison.Ordinal);
            }
            var installed = (await _testbed.ExecAsync("dpkg-query", "-W", "-f=${Version}", LocalAptRepository.Package)).EnsureSuccess("dpkg-query");
            Assert.Equal("2.0", installed.Stdout.Trim());
        }
        finally
        {
            await repository.RemoveAsync();
        }

        static Dictionary<string, object> Deployment(string image) => new()
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new Dictionary<string, object> { ["name"] = "hello" },
            ["spec"] = new Dictionary<string, object>
            {
                ["replicas"] = 2,
                ["selector"] = new Dictionary<string, object> { ["matchLabels"] = new Dictionary<string, string> { ["app"] = "hello" } },
                ["template"] = new Dictionary<string, object>
                {
                    ["metadata"] = new Dictionary<string, object> { ["labels"] = new Dictionary<string, string> { ["app"] = "hello" } },
                    ["spec"] = TestNamespace.PodSpec("Always", TestNamespace.Container("hello", image)),
                },
            },
        };
    }

    // Waits until the Deployment's only pods are two Ready replicas of the given version; returns them with their units.
    private static async Task<List<(string Pod, string Unit)>> WaitRolledOutAsync(TestNamespace ns, string version)
    {
        var image = $"{LocalAptRepository.Package}:{version}";
        var pods = await Eventually.ReadUntilAsync(() => ns.ListPodsAsync("app=hello"), RolledOut, InstallPatience);
        Assert.True(RolledOut(pods), $"not rolled out to {image}: " + string.Join("; ", pods.Select(p => p.GetProperty("status").ToString())));
        return pods.Select(p =>
        {
            var name = p.GetProperty("metadata").GetProperty("name").GetString()!;
            return (name, ContainerUnitName.For(ns.Name, name, Uid(p), "hello"));
        }).ToList();

        bool RolledOut(IReadOnlyList<JsonElement> current) =>
            current.Count == 2 && current.All(p =>
                !p.GetProperty("metadata").TryGetProperty("deletionTimestamp", out _)
                && p.GetProperty("spec").GetProperty("containers")[0].GetProperty("image").GetString() == image
                && Phase(p) == "Running" && IsReady(p, "hello"));
    }

    [Fact]
    public async Task Deleting_a_pod_stops_its_unit_and_removes_the_unit_file()
    {
        var node = await nodeFixture.StartAsync(_testbed);
        await using var ns = await TestNamespace.CreateAsync(_testbed, "delete");
        await ns.CreatePodAsync("doomed", TestNamespace.PodSpec("Always", TestNamespace.Container("main", "bash", new()
        {
            ["command"] = new[] { "sleep", "infinity" },
        })));
        var pod = await ns.WaitPodAsync("doomed", p => Phase(p) == "Running" && IsReady(p, "main"), Patience);
        var unit = ContainerUnitName.For(ns.Name, "doomed", Uid(pod), "main");
        Assert.True(node.UnitFileExists(unit));

        // kubectl delete waits until the pod object is gone, which vks does only after the units stopped.
        (await ns.Kubectl("delete", "pod", "doomed", "--timeout=60s")).EnsureSuccess("kubectl delete pod");

        Assert.False(node.UnitFileExists(unit), $"{unit} is still on disk");
        var state = await node.ShowAsync(unit, "ActiveState", "LoadState");
        Assert.Equal("inactive", state["ActiveState"]);
        Assert.Equal("not-found", state["LoadState"]);
        Assert.Contains(await ns.EventsAsync("doomed"), e => e == "Normal Killing: Stopping container main");
    }

    [Fact]
    public async Task Kill_9_of_vks_and_its_restart_leave_running_pods_alone()
    {
        var node = await nodeFixture.StartAsync(_testbed);
        await using var ns = await TestNamespace.CreateAsync(_testbed, "adopt");
        await ns.CreatePodAsync("steady", TestNamespace.PodSpec("Always", TestNamespace.Container("main", "bash", new()
        {
            ["command"] = new[] { "sleep", "infinity" },
        })));
        var pod = await ns.WaitPodAsync("steady", p => Phase(p) == "Running" && IsReady(p, "main"), Patience);
        var unit = ContainerUnitName.For(ns.Name, "steady", Uid(pod), "main");
        string[] identity = ["NRestarts", "InvocationID", "MainPID"];
        var before = await node.ShowAsync(unit, identity);
        var vksBefore = await node.ShowAsync(VksNode.ServiceName, "MainPID", "NRestarts");

        (await _testbed.ExecAsync("systemctl", "kill", "--signal=KILL", VksNode.ServiceName)).EnsureSuccess("kill -9 vks");

        // Restart=always brings vks back (RestartSec=2s); it is active again once it has adopted and synced.
        var vksAfter = await Eventually.ReadUntilAsync(
            () => node.ShowAsync(VksNode.ServiceName, "MainPID", "NRestarts", "ActiveState"),
            s => s["ActiveState"] == "active" && s["MainPID"] != vksBefore["MainPID"] && s["MainPID"] != "0", Patience);
        Assert.Equal("active", vksAfter["ActiveState"]);
        Assert.Equal(int.Parse(vksBefore["NRestarts"], System.Globalization.CultureInfo.InvariantCulture) + 1,
            int.Parse(vksAfter["NRestarts"], System.Globalization.CultureInfo.InvariantCulture));
        await node.WaitNodeReadyAsync();
        var dump = (await node.DumpAsync()).EnsureSuccess("vks debug dump");
        Assert.Contains(unit, dump.Stdout, StringComparison.Ordinal);

        var after = await node.ShowAsync(unit, identity);
        Assert.Equal(before, after);
        var now = await ns.GetPodAsync("steady");
        Assert.Equal(0, RestartCount(now, "main"));
        Assert.True(IsReady(now, "main"));
    }

    [Fact]
    public async Task Units_of_a_pod_force_deleted_while_vks_was_down_are_removed_at_start()
    {
        var node = await nodeFixture.StartAsync(_testbed);
        await using var ns = await TestNamespace.CreateAsync(_testbed, "orphan");
        await ns.CreatePodAsync("orphan", TestNamespace.PodSpec("Always", TestNamespace.Container("main", "bash", new()
        {
            ["command"] = new[] { "sleep", "infinity" },
        })));
        var pod = await ns.WaitPodAsync("orphan", p => Phase(p) == "Running" && IsReady(p, "main"), Patience);
        var unit = ContainerUnitName.For(ns.Name, "orphan", Uid(pod), "main");

        (await _testbed.ExecAsync("systemctl", "stop", VksNode.ServiceName)).EnsureSuccess("stop vks");
        try
        {
            Assert.Equal("active", (await node.ShowAsync(unit, "ActiveState"))["ActiveState"]);
            (await ns.Kubectl("delete", "pod", "orphan", "--force", "--grace-period=0")).EnsureSuccess("force delete");
        }
        finally
        {
            (await _testbed.ExecAsync("systemctl", "start", VksNode.ServiceName)).EnsureSuccess("start vks");
        }

        var state = await Eventually.ReadUntilAsync(() => node.ShowAsync(unit, "LoadState"), s => s["LoadState"] == "not-found", Patience);
        Assert.Equal("not-found", state["LoadState"]);
        Assert.False(node.UnitFileExists(unit));
    }

    [Fact]
    public async Task An_unknown_package_gives_err_image_pull_then_image_pull_back_off_with_an_event()
    {
        await nodeFixture.StartAsync(_testbed);
        await using var ns = await TestNamespace.CreateAsync(_testbed, "unknown");

        await ns.CreatePodAsync("unknown", TestNamespace.PodSpec("Always", TestNamespace.Container("main", "vks-no-such-package")));

        var pod = await ns.WaitPodAsync("unknown", p => StateReason(p, "main") == "ImagePullBackOff", InstallPatience);
        Assert.Equal("Pending", Phase(pod));
        var waiting = Container(pod, "main")!.Value.GetProperty("state").GetProperty("waiting");
        Assert.Contains("Unable to locate package vks-no-such-package", waiting.GetProperty("message").GetString(), StringComparison.Ordinal);
        var events = await ns.EventsAsync("unknown");
        Assert.Contains(events, e => e == "Warning Failed: Failed to pull image \"vks-no-such-package\": Unable to locate package vks-no-such-package");
        Assert.Contains(events, e => e.StartsWith("Normal BackOff: Back-off pulling image", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Vks_debug_dump_shows_the_node_its_pods_their_units_and_the_package_queue()
    {
        var node = await nodeFixture.StartAsync(_testbed);
        await using var ns = await TestNamespace.CreateAsync(_testbed, "dump");
        await ns.CreatePodAsync("dumped", TestNamespace.PodSpec("Always", TestNamespace.Container("main", "bash", new()
        {
            ["command"] = new[] { "sleep", "infinity" },
        })));
        var pod = await ns.WaitPodAsync("dumped", p => Phase(p) == "Running" && IsReady(p, "main"), Patience);
        var unit = ContainerUnitName.For(ns.Name, "dumped", Uid(pod), "main");

        var text = (await node.DumpAsync()).EnsureSuccess("vks debug dump").Stdout;
        Assert.Contains($"node {node.NodeName}  state=Ready", text, StringComparison.Ordinal);
        Assert.Contains($"{ns.Name}/dumped  uid={Uid(pod)}", text, StringComparison.Ordinal);
        Assert.Matches(@$"{System.Text.RegularExpressions.Regex.Escape(unit)}  Active/running  restarts=0  last signal \d{{4}}-", text);
        Assert.Contains("packages  last index refresh", text, StringComparison.Ordinal);

        var json = VksNode.ParseJson((await node.DumpAsync(json: true)).EnsureSuccess("vks debug dump --json").Stdout);
        Assert.Equal(node.NodeName, json.GetProperty("nodeName").GetString());
        var dumpedPod = Assert.Single(json.GetProperty("pods").EnumerateArray(), p => p.GetProperty("uid").GetString() == Uid(pod));
        Assert.Equal(unit, Assert.Single(dumpedPod.GetProperty("units").EnumerateArray()).GetProperty("unitName").GetString());
    }
}
