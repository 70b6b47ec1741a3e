// The merge patches are what the API server receives: their exact JSON is the contract. A field the patch leaves
// null must be absent (null in a merge patch deletes the stored value).
using k8s.Models;
using Vks.Node.Kubernetes;

namespace Vks.Node.Tests.Kubernetes;

public sealed class MergePatchesTests
{
    [Fact]
    public void A_pod_status_patch_carries_the_uid_precondition_and_only_the_fields_set()
    {
        var status = new V1PodStatus { Phase = "Running", HostIP = "10.0.0.5", Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }] };

        var patch = MergePatches.PodStatus("u-1", status);

        Assert.Equal(V1Patch.PatchType.MergePatch, patch.Type);
        Assert.Equal(
            """{"metadata":{"uid":"u-1"},"status":{"conditions":[{"status":"True","type":"Ready"}],"hostIP":"10.0.0.5","phase":"Running"}}""",
            Assert.IsType<string>(patch.Content));
    }

    [Fact]
    public void A_node_status_patch_holds_the_status_alone()
    {
        var status = new V1NodeStatus { Capacity = new Dictionary<string, ResourceQuantity> { ["pods"] = new("110") } };

        Assert.Equal("""{"status":{"capacity":{"pods":"110"}}}""", MergePatches.NodeStatus(status).Content);
    }

    [Fact]
    public void A_node_metadata_patch_holds_labels_and_annotations_and_nothing_else()
    {
        var patch = MergePatches.NodeLabelsAndAnnotations(new Dictionary<string, string> { ["type"] = "virtual-kubelet" }, null);

        Assert.Equal("""{"metadata":{"labels":{"type":"virtual-kubelet"}}}""", patch.Content);
    }

    [Fact]
    public void An_event_repeat_patch_holds_the_count_and_the_last_time_in_whole_seconds_utc()
    {
        var patch = MergePatches.EventRepeat(3, new DateTime(2026, 11, 24, 9, 30, 5, DateTimeKind.Utc));

        Assert.Equal("""{"count":3,"lastTimestamp":"2026-11-24T09:30:05Z"}""", patch.Content);
    }
}
