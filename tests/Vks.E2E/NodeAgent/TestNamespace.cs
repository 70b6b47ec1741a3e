// A fresh namespace per test, driven with the real kubectl as the cluster admin. Pods get the toleration for vks'
// default taint, as a user's pods for a vks node do. Disposing deletes the namespace and waits: vks deletes the
// pods, which proves they can be deleted and keeps the next test's node clean.
using System.Text.Json;
using Vks.E2E.Testbed;

namespace Vks.E2E.NodeAgent;

public sealed class TestNamespace : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private TestNamespace(Testbed.Testbed testbed, string name)
    {
        Testbed = testbed;
        Name = name;
    }

    public Testbed.Testbed Testbed { get; }

    public string Name { get; }

    public static async Task<TestNamespace> CreateAsync(Testbed.Testbed testbed, string prefix)
    {
        var ns = new TestNamespace(testbed, $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 9, 40)]);
        (await testbed.KubectlAsync("create", "namespace", ns.Name)).EnsureSuccess("create namespace");
        // On 1.20 the ServiceAccount admission plugin refuses pods until the default account has its token.
        var secrets = await Eventually.ReadUntilAsync(
            async () => (await testbed.KubectlAsync("-n", ns.Name, "get", "serviceaccount", "default", "-o", "jsonpath={.secrets[0].name}")).Stdout.Trim(),
            s => s.Length > 0, Deadline);
        Assert.True(secrets.Length > 0, $"no default ServiceAccount token in {ns.Name}");
        return ns;
    }

    /// <summary>A pod spec's container with vks' image grammar; <paramref name="extra"/> adds fields (command, env...).</summary>
    public static Dictionary<string, object> Container(string name, string image, Dictionary<string, object>? extra = null)
    {
        var container = new Dictionary<string, object> { ["name"] = name, ["image"] = image };
        foreach (var (key, value) in extra ?? [])
        {
            container[key] = value;
        }
        return container;
    }

    public static Dictionary<string, object> PodSpec(string restartPolicy, params Dictionary<string, object>[] containers) => new()
    {
        ["restartPolicy"] = restartPolicy,
        ["tolerations"] = new[] { new Dictionary<string, object> { ["key"] = "virtual-kubelet.io/provider", ["operator"] = "Exists" } },
        ["containers"] = containers,
    };

    public Task CreatePodAsync(string name, Dictionary<string, object> spec) =>
        ApplyAsync(new Dictionary<string, object>
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new Dictionary<string, object> { ["name"] = name },
            ["spec"] = spec,
        });

    /// <summary>Applies <paramref name="count"/> pods named app-0, app-1, ... with label app=<paramref name="app"/>
    /// in one `kubectl apply`, so they reach the node at once.</summary>
    public Task CreatePodsAsync(string app, int count, Dictionary<string, object> spec) =>
        ApplyAsync(new Dictionary<string, object>
        {
            ["apiVersion"] = "v1",
            ["kind"] = "List",
            ["items"] = Enumerable.Range(0, count).Select(i => new Dictionary<string, object>
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Pod",
                ["metadata"] = new Dictionary<string, object> { ["name"] = $"{app}-{i}", ["labels"] = new Dictionary<string, string> { ["app"] = app } },
                ["spec"] = spec,
            }).ToArray(),
        });

    /// <summary>`kubectl apply` of an object given as JSON on stdin.</summary>
    public async Task ApplyAsync(object manifest) =>
        (await Kubectl(stdin: JsonSerializer.Serialize(manifest), "apply", "-f", "-")).EnsureSuccess("kubectl apply");

    public async Task<JsonElement?> GetPodOrNullAsync(string name)
    {
        var result = await Testbed.KubectlAsync("-n", Name, "get", "pod", name, "-o", "json");
        return result.ExitCode == 0 ? VksNode.ParseJson(result.Stdout) : null;
    }

    public async Task<JsonElement> GetPodAsync(string name) =>
        await GetPodOrNullAsync(name) ?? throw new InvalidOperationException($"pod {Name}/{name} not found");

    public async Task<IReadOnlyList<JsonElement>> ListPodsAsync(string selector)
    {
        var result = (await Testbed.KubectlAsync("-n", Name, "get", "pods", "-l", selector, "-o", "json")).EnsureSuccess("get pods");
        return VksNode.ParseJson(result.Stdout).GetProperty("items").EnumerateArray().ToList();
    }

    /// <summary>Reads the pod until <paramref name="done"/> holds; fails with the last status seen.</summary>
    public async Task<JsonElement> WaitPodAsync(string name, Func<JsonElement, bool> done, TimeSpan deadline)
    {
        var pod = await Eventually.ReadUntilAsync(() => GetPodAsync(name), done, deadline);
        Assert.True(done(pod), $"pod {Name}/{name} did not get there; its status: {pod.GetProperty("status")}");
        return pod;
    }

    /// <summary>The pod's Events, oldest first, as "Type Reason: Message".</summary>
    public async Task<IReadOnlyList<string>> EventsAsync(string podName)
    {
        var result = (await Testbed.KubectlAsync("-n", Name, "get", "events", "--field-selector", $"involvedObject.name={podName}", "-o", "json"))
            .EnsureSuccess("get events");
        return VksNode.ParseJson(result.Stdout).GetProperty("items").EnumerateArray()
            .Select(e => $"{e.GetProperty("type").GetString()} {e.GetProperty("reason").GetString()}: {e.GetProperty("message").GetString()}")
            .ToList();
    }

    public Task<ProcessResult> Kubectl(params string[] arguments) => Testbed.KubectlAsync(["-n", Name, .. arguments]);

    private Task<ProcessResult> Kubectl(string stdin, params string[] arguments) =>
        ProcessRunner.RunAsync("kubectl", ["--kubeconfig", Testbed.AdminKubeconfig, "-n", Name, .. arguments], TimeSpan.FromMinutes(2), stdin: stdin);

    public async ValueTask DisposeAsync()
    {
        var deleted = await Testbed.KubectlAsync("delete", "namespace", Name, "--timeout=90s");
        Assert.True(deleted.ExitCode == 0, $"namespace {Name} was not deleted (its pods must go through vks): {deleted.Stderr}");
    }
}
