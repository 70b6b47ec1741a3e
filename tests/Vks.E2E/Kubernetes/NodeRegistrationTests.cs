using System.Net;
using System.Text.Json;
using k8s;
using k8s.Models;
using Vks.E2E.Testbed;
using Vks.Node.Kubernetes;

namespace Vks.E2E.Kubernetes;

/// <summary>The Node and its Lease, written with the node's own identity against the real API server.</summary>
[Collection(TestbedCollection.Name)]
public sealed class NodeRegistrationTests(TestbedFixture fixture)
{
    private readonly Testbed.Testbed _testbed = fixture.Testbed;

    [Fact]
    public async Task The_node_registers_itself_writes_its_status_and_holds_a_lease_owned_by_the_node()
    {
        await using var context = await KubernetesTestContext.StartAsync(_testbed);
        var registrar = new NodeRegistrar(context.NodeClient);

        var registration = await registrar.RegisterAsync(context.NewNode(KubernetesTestContext.VksTaint), CancellationToken.None);
        Assert.Equal(NodeRegistrationOutcome.Created, registration.Outcome);
        var uid = registration.Node!.Metadata.Uid;

        var heartbeat = new DateTime(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);
        var status = await registrar.PatchStatusAsync(context.NodeName, NodeStatus(heartbeat, "127.0.0.1"), CancellationToken.None);
        Assert.Equal(NodeStatusOutcome.Patched, status.Outcome);

        using (var node = await GetJsonAsync("get", "node", context.NodeName))
        {
            var root = node.RootElement;
            Assert.Equal("virtual-kubelet", root.GetProperty("metadata").GetProperty("labels").GetProperty("type").GetString());
            var taint = Assert.Single(root.GetProperty("spec").GetProperty("taints").EnumerateArray());
            Assert.Equal("virtual-kubelet.io/provider", taint.GetProperty("key").GetString());
            var ready = root.GetProperty("status").GetProperty("conditions").EnumerateArray().Single(c => c.GetProperty("type").GetString() == "Ready");
            Assert.Equal("True", ready.GetProperty("status").GetString());
            Assert.Equal("2026-11-23T12:00:00Z", ready.GetProperty("lastHeartbeatTime").GetString());
            Assert.Equal("127.0.0.1", root.GetProperty("status").GetProperty("addresses")[0].GetProperty("address").GetString());
            Assert.Equal("110", root.GetProperty("status").GetProperty("capacity").GetProperty("pods").GetString());
        }

        // A later status replaces the lists whole: one address, not the old one merged with the new one.
        await registrar.PatchStatusAsync(context.NodeName, NodeStatus(heartbeat.AddMinutes(1), "127.0.0.2"), CancellationToken.None);
        using (var node = await GetJsonAsync("get", "node", context.NodeName))
        {
            var addresses = node.RootElement.GetProperty("status").GetProperty("addresses").EnumerateArray()
                .Select(a => a.GetProperty("address").GetString()).ToList();
            Assert.Equal(["127.0.0.2"], addresses);
        }

        var clock = new SettableTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 1, TimeSpan.Zero).AddTicks(1_234_560)); // 12:00:01.123456
        var renewer = new LeaseRenewer(context.NodeClient, context.NodeName, clock);
        var first = await renewer.RenewAsync(uid, CancellationToken.None);
        Assert.Equal(LeaseRenewalOutcome.Created, first.Outcome);
        clock.Now += LeaseRenewer.RenewInterval;
        var second = await renewer.RenewAsync(uid, CancellationToken.None);
        Assert.Equal(LeaseRenewalOutcome.Renewed, second.Outcome);
        Assert.Equal(clock.Now.UtcDateTime, second.RenewTime);

        using var lease = await GetJsonAsync("-n", "kube-node-lease", "get", "lease", context.NodeName);
        var spec = lease.RootElement.GetProperty("spec");
        Assert.Equal(context.NodeName, spec.GetProperty("holderIdentity").GetString());
        Assert.Equal(40, spec.GetProperty("leaseDurationSeconds").GetInt32());
        Assert.Equal("2026-11-23T12:00:11.123456Z", spec.GetProperty("renewTime").GetString()); // microseconds kept
        var owner = Assert.Single(lease.RootElement.GetProperty("metadata").GetProperty("ownerReferences").EnumerateArray());
        Assert.Equal("v1", owner.GetProperty("apiVersion").GetString());
        Assert.Equal("Node", owner.GetProperty("kind").GetString());
        Assert.Equal(context.NodeName, owner.GetProperty("name").GetString());
        Assert.Equal(uid, owner.GetProperty("uid").GetString());
    }

    [Fact]
    public async Task Registering_an_existing_node_merges_its_labels_and_says_that_it_keeps_its_taints()
    {
        await using var context = await KubernetesTestContext.StartAsync(_testbed);
        var registrar = new NodeRegistrar(context.NodeClient);
        var created = await registrar.RegisterAsync(context.NewNode(KubernetesTestContext.VksTaint), CancellationToken.None);
        (await _testbed.KubectlAsync("label", "node", context.NodeName, "admin-label=kept")).EnsureSuccess("label node");

        var wanted = context.NewNode(); // as with --disable-taint
        wanted.Metadata.Labels["node.kubernetes.io/instance-type"] = "vks";
        var again = await registrar.RegisterAsync(wanted, CancellationToken.None);

        Assert.Equal(NodeRegistrationOutcome.Updated, again.Outcome);
        Assert.Equal(created.Node!.Metadata.Uid, again.Node!.Metadata.Uid);
        Assert.Equal("vks", again.Node.Metadata.Labels["node.kubernetes.io/instance-type"]);
        Assert.Equal("kept", again.Node.Metadata.Labels["admin-label"]);
        // The node lifecycle controller may have added its own node.kubernetes.io/unreachable meanwhile: this node
        // name was used by earlier tests, and no kubelet reports its status here. Those are not vks's to keep or drop.
        var taints = again.Node.Spec.Taints.Where(t => !t.Key.StartsWith("node.kubernetes.io/", StringComparison.Ordinal));
        Assert.Equal("virtual-kubelet.io/provider", Assert.Single(taints).Key);
        Assert.Contains("keeps its taints", again.Detail, StringComparison.Ordinal);

        // As after an outage: the controller's own taints are no reason for a notice.
        (await _testbed.KubectlAsync("taint", "node", context.NodeName, "node.kubernetes.io/unreachable:NoSchedule", "--overwrite")).EnsureSuccess("taint node");
        var same = await registrar.RegisterAsync(context.NewNode(KubernetesTestContext.VksTaint), CancellationToken.None);
        Assert.Null(same.Detail);
    }

    [Fact]
    public async Task A_deleted_node_is_noticed_by_the_status_patch_and_the_lease_and_can_register_again()
    {
        await using var context = await KubernetesTestContext.StartAsync(_testbed);
        var registrar = new NodeRegistrar(context.NodeClient);
        var oldUid = await context.RegisterNodeAsync();
        var renewer = new LeaseRenewer(context.NodeClient, context.NodeName);
        Assert.Equal(LeaseRenewalOutcome.Created, (await renewer.RenewAsync(oldUid, CancellationToken.None)).Outcome);

        (await _testbed.KubectlAsync("delete", "node", context.NodeName)).EnsureSuccess("delete node");

        var status = await registrar.PatchStatusAsync(context.NodeName, NodeStatus(DateTime.UtcNow, "127.0.0.1"), CancellationToken.None);
        Assert.Equal(NodeStatusOutcome.NodeMissing, status.Outcome);
        // The garbage collector removes the Lease of the deleted Node; the renewal then finds the Node gone too.
        var renewal = await Eventually.ReadUntilAsync(
            () => renewer.RenewAsync(oldUid, CancellationToken.None),
            r => r.Outcome == LeaseRenewalOutcome.NodeMissing,
            TimeSpan.FromSeconds(60));
        Assert.Equal(LeaseRenewalOutcome.NodeMissing, renewal.Outcome);

        var newUid = await context.RegisterNodeAsync();
        Assert.NotEqual(oldUid, newUid);
        Assert.Equal(LeaseRenewalOutcome.Created, (await renewer.RenewAsync(newUid, CancellationToken.None)).Outcome);
        var lease = await context.AdminClient.CoordinationV1.ReadNamespacedLeaseAsync(context.NodeName, LeaseRenewer.LeaseNamespace);
        Assert.Equal(newUid, Assert.Single(lease.Metadata.OwnerReferences).Uid);
    }

    [Fact]
    public async Task A_lease_written_by_someone_else_is_read_again_and_renewed()
    {
        await using var context = await KubernetesTestContext.StartAsync(_testbed);
        var uid = await context.RegisterNodeAsync();
        var renewer = new LeaseRenewer(context.NodeClient, context.NodeName);
        await renewer.RenewAsync(uid, CancellationToken.None);

        // The admin takes the lease: the renewer's copy is now stale, so its update gets 409 Conflict.
        (await _testbed.KubectlAsync("-n", "kube-node-lease", "patch", "lease", context.NodeName, "--type=merge",
            "-p", """{"spec":{"holderIdentity":"intruder"}}""")).EnsureSuccess("patch lease");
        var renewal = await renewer.RenewAsync(uid, CancellationToken.None);

        Assert.Equal(LeaseRenewalOutcome.Renewed, renewal.Outcome);
        var lease = await context.AdminClient.CoordinationV1.ReadNamespacedLeaseAsync(context.NodeName, LeaseRenewer.LeaseNamespace);
        Assert.Equal(context.NodeName, lease.Spec.HolderIdentity);
    }

    [Fact]
    public async Task A_lease_deleted_while_the_node_exists_is_created_again()
    {
        await using var context = await KubernetesTestContext.StartAsync(_testbed);
        var uid = await context.RegisterNodeAsync();
        var renewer = new LeaseRenewer(context.NodeClient, context.NodeName);
        await renewer.RenewAsync(uid, CancellationToken.None);

        await context.AdminClient.CoordinationV1.DeleteNamespacedLeaseAsync(context.NodeName, LeaseRenewer.LeaseNamespace);

        Assert.Equal(LeaseRenewalOutcome.Created, (await renewer.RenewAsync(uid, CancellationToken.None)).Outcome);
        Assert.Equal(LeaseRenewalOutcome.Renewed, (await renewer.RenewAsync(uid, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task An_unreachable_api_server_is_an_outcome_not_an_exception()
    {
        // A port nothing listens on: connection refused, as while the API server restarts.
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(_testbed.NodeKubeconfig);
        config.Host = "https://127.0.0.1:1";
        using var client = new k8s.Kubernetes(config);

        var registration = await new NodeRegistrar(client).RegisterAsync(new V1Node { Metadata = new V1ObjectMeta { Name = _testbed.Name } }, CancellationToken.None);
        var lease = await new LeaseRenewer(client, _testbed.Name).RenewAsync("some-uid", CancellationToken.None);
        var delete = await new PodDeleter(client).DeleteAsync(new PodReference("default", "p", "u"), CancellationToken.None);

        Assert.Equal(NodeRegistrationOutcome.ApiUnavailable, registration.Outcome);
        Assert.Equal(LeaseRenewalOutcome.ApiUnavailable, lease.Outcome);
        Assert.Equal(PodDeleteOutcome.ApiUnavailable, delete.Outcome);
        Assert.Contains("refused", registration.Detail, StringComparison.OrdinalIgnoreCase);
    }

    private static V1NodeStatus NodeStatus(DateTime heartbeat, string address) => new()
    {
        Conditions =
        [
            new V1NodeCondition
            {
                Type = "Ready", Status = "True", Reason = "VksReady", Message = "vks is synced",
                LastHeartbeatTime = heartbeat, LastTransitionTime = heartbeat,
            },
        ],
        Addresses = [new V1NodeAddress { Type = "InternalIP", Address = address }],
        Capacity = new Dictionary<string, ResourceQuantity> { ["pods"] = new ResourceQuantity("110") },
        Allocatable = new Dictionary<string, ResourceQuantity> { ["pods"] = new ResourceQuantity("110") },
    };

    private async Task<JsonDocument> GetJsonAsync(params string[] arguments)
    {
        var result = (await _testbed.KubectlAsync([.. arguments, "-o", "json"])).EnsureSuccess(string.Join(' ', arguments));
        return JsonDocument.Parse(result.Stdout);
    }
}

/// <summary>A clock the test sets, so timestamps written to the API can be compared exactly.</summary>
internal sealed class SettableTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
