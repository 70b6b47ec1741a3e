using System.Text.Json;
using Vks.E2E.Testbed;

namespace Vks.E2E;

[Collection(TestbedCollection.Name)]
public sealed class ControlPlaneTests(TestbedFixture fixture)
{
    private readonly Testbed.Testbed _testbed = fixture.Testbed;

    [Fact]
    public async Task Deployment_of_two_replicas_yields_two_pending_pods_while_there_is_no_node()
    {
        var ns = $"e2e-{Guid.NewGuid():N}"[..20];
        (await _testbed.KubectlAsync("create", "namespace", ns)).EnsureSuccess("create namespace");
        try
        {
            // The default ServiceAccount of a new namespace appears asynchronously; pods wait for it.
            (await _testbed.KubectlAsync("-n", ns, "create", "deployment", "web", "--image=uptimed", "--replicas=2"))
                .EnsureSuccess("create deployment");

            var phases = await Eventually.ReadUntilAsync(
                () => PodPhasesAsync(ns), p => p.Count == 2, TimeSpan.FromSeconds(60));

            Assert.Equal(["Pending", "Pending"], phases);
            var nodes = (await _testbed.KubectlAsync("get", "nodes", "-o", "name")).EnsureSuccess("get nodes");
            Assert.Equal("", nodes.Stdout.Trim());
        }
        finally
        {
            await _testbed.KubectlAsync("delete", "namespace", ns, "--wait=false");
        }
    }

    // kubectl speaks protobuf; vks (KubernetesClient) speaks JSON. The testbed's apiserver must take JSON bodies
    // holding maps keyed by a named type (a ResourceList, as in a Node's capacity) and pretty-print JSON: both
    // crashed the apiserver built with the vendored reflect2 1.0.1 under Go 1.19.
    [Fact]
    public async Task Api_server_accepts_json_bodies_with_maps_and_prints_pretty_json()
    {
        var ns = $"e2e-json-{Guid.NewGuid():N}"[..24];
        var body = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(body,
                $$$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{{ns}}}}","labels":{"vks.test/json":"yes"}}}""");
            var created = await _testbed.KubectlAsync("create", "--raw", "/api/v1/namespaces", "-f", body);
            Assert.True(created.ExitCode == 0, created.Stderr);
            using (var json = JsonDocument.Parse(created.Stdout))
            {
                Assert.Equal("yes", json.RootElement.GetProperty("metadata").GetProperty("labels").GetProperty("vks.test/json").GetString());
            }

            await File.WriteAllTextAsync(body,
                """{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"quota"},"spec":{"hard":{"pods":"7","cpu":"2"}}}""");
            var quota = await _testbed.KubectlAsync("create", "--raw", $"/api/v1/namespaces/{ns}/resourcequotas", "-f", body);
            Assert.True(quota.ExitCode == 0, quota.Stderr);
            using (var json = JsonDocument.Parse(quota.Stdout))
            {
                Assert.Equal("7", json.RootElement.GetProperty("spec").GetProperty("hard").GetProperty("pods").GetString());
            }

            var pretty = await _testbed.KubectlAsync("get", "--raw", $"/api/v1/namespaces/{ns}?pretty=true");
            Assert.True(pretty.ExitCode == 0, pretty.Stderr);
            Assert.Contains("\n  \"metadata\": {", pretty.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(body);
            await _testbed.KubectlAsync("delete", "namespace", ns, "--wait=false");
        }
    }

    private async Task<List<string>> PodPhasesAsync(string ns)
    {
        var result = (await _testbed.KubectlAsync("-n", ns, "get", "pods", "-o", "json")).EnsureSuccess("get pods");
        using var json = JsonDocument.Parse(result.Stdout);
        return json.RootElement.GetProperty("items").EnumerateArray()
            .Select(pod => pod.GetProperty("status").GetProperty("phase").GetString() ?? "")
            .ToList();
    }
}
