// vks installed in a testbed the way an operator installs it (scripts/testbed install-vks): the published build in
// /usr/lib/vks, the node's kubeconfig in /etc/vks/kubeconfig and packaging/vks.service as shipped, plus one drop-in
// with this testbed's flags. Everything runs under the machine's systemd; the tests only reach it through systemctl,
// kubectl and `vks debug`.
using System.Text.Json;
using Vks.E2E.Testbed;

namespace Vks.E2E.NodeAgent;

public sealed class VksNode(Testbed.Testbed testbed)
{
    public const string ServiceName = "vks.service";
    // vks is compiled Native AOT: about 3 minutes on a 2-core machine, more when the compiler package is fetched first.
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(15);

    // One build per test run, whatever the number of fixtures using it.
    private static readonly Lazy<Task<string>> Published = new(PublishAsync);

    public Testbed.Testbed Testbed { get; } = testbed;

    /// <summary>The node name: vks defaults to the machine's hostname, which is the testbed's name.</summary>
    public string NodeName => Testbed.Name;

    /// <summary>Installs the build and the unit, starts vks, approves its serving certificate (all by
    /// scripts/testbed install-vks) and waits until the Node is Ready.</summary>
    public async Task InstallAndStartAsync()
    {
        var build = await Published.Value;
        (await Testbed.InstallVksAsync(build)).EnsureSuccess("scripts/testbed install-vks");
        await WaitNodeReadyAsync();
    }

    /// <summary>The names of this node's kubelet-serving CSRs, approved or not.</summary>
    public async Task<IReadOnlyList<string>> ServingCertificateRequestsAsync()
    {
        var list = ParseJson((await Testbed.KubectlAsync("get", "csr", "-o", "json")).EnsureSuccess("get csr").Stdout);
        return list.GetProperty("items").EnumerateArray()
            .Where(csr => csr.GetProperty("spec").GetProperty("username").GetString() == $"system:node:{NodeName}"
                          && csr.GetProperty("spec").GetProperty("signerName").GetString() == "kubernetes.io/kubelet-serving")
            .Select(csr => csr.GetProperty("metadata").GetProperty("name").GetString()!)
            .ToList();
    }

    public async Task WaitNodeReadyAsync()
    {
        var ready = await Eventually.ReadUntilAsync(NodeReadyAsync, r => r == "True", TimeSpan.FromSeconds(60));
        Assert.True(ready == "True", $"node {NodeName} Ready={ready}");
    }

    /// <summary>The Ready condition's status, or what is wrong.</summary>
    public async Task<string> NodeReadyAsync()
    {
        var result = await Testbed.KubectlAsync("get", "node", NodeName, "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}");
        return result.ExitCode == 0 ? result.Stdout.Trim() : result.Stderr.Trim();
    }

    /// <summary>Properties of a unit in the machine, as systemctl shows them.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ShowAsync(string unit, params string[] properties)
    {
        var result = (await Testbed.ExecAsync(["systemctl", "show", .. properties.Select(p => $"--property={p}"), "--", unit]))
            .EnsureSuccess($"systemctl show {unit}");
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : "");
    }

    public bool UnitFileExists(string unit) => File.Exists(Testbed.MachinePath($"/run/systemd/system/{unit}"));

    /// <summary>`vks debug dump`, run as root inside the machine.</summary>
    public async Task<ProcessResult> DumpAsync(bool json = false) =>
        await Testbed.ExecAsync(json ? ["/usr/lib/vks/vks", "debug", "dump", "--json"] : ["/usr/lib/vks/vks", "debug", "dump"]);

    /// <summary>Stops vks and removes every trace of it from the machine and the cluster: its pods' units, files and
    /// failed states, its unit, the Node and its Lease. The shared testbed goes on without a node.</summary>
    public async Task UninstallAsync()
    {
        await Testbed.ExecAsync("systemctl", "stop", ServiceName);
        // Pods outlive vks by design; a test run's leftovers must not.
        await Testbed.ExecAsync("sh", "-c",
            "systemctl stop 'vks.*.service'; rm -f /run/systemd/system/vks.*.service; " +
            "rm -rf /etc/systemd/system/vks.service /etc/systemd/system/vks.service.d /usr/lib/vks /etc/vks /var/lib/vks; " +
            "systemctl daemon-reload; systemctl reset-failed");
        await Testbed.KubectlAsync("delete", "node", NodeName, "--ignore-not-found");
        await Testbed.KubectlAsync("-n", "kube-node-lease", "delete", "lease", NodeName, "--ignore-not-found");
        foreach (var name in await ServingCertificateRequestsAsync())
        {
            await Testbed.KubectlAsync("delete", "csr", name);
        }
    }

    // VKS_E2E_VKS_BUILD names a `dotnet publish` output to install instead of publishing src/Vks.App afresh.
    private static async Task<string> PublishAsync()
    {
        if (Environment.GetEnvironmentVariable("VKS_E2E_VKS_BUILD") is { Length: > 0 } prebuilt)
        {
            return prebuilt;
        }
        var output = Path.Combine(Path.GetTempPath(), $"vks-e2e-publish-{Environment.ProcessId}");
        (await ProcessRunner.RunAsync("dotnet",
            ["publish", Path.Combine(RepoPaths.Root, "src", "Vks.App", "Vks.App.csproj"), "-c", "Release", "-nologo", "-v", "quiet", "-o", output],
            PublishTimeout, new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" }))
            .EnsureSuccess("dotnet publish vks");
        return output;
    }

    internal static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
