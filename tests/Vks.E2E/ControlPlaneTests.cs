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

    private async Task<List<string>> PodPhasesAsync(string ns)
    {
        var result = (await _testbed.KubectlAsync("-n", ns, "get", "pods", "-o", "json")).EnsureSuccess("get pods");
        using var json = JsonDocument.Parse(result.Stdout);
        return json.RootElement.GetProperty("items").EnumerateArray()
            .Select(pod => pod.GetProperty("status").GetProperty("phase").GetString() ?? "")
            .ToList();
    }
}
