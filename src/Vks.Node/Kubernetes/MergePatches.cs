// The merge patches vks sends. Each is written from a typed model through KubernetesJson, whose source-generated
// context knows every model type, so no patch needs reflection (vks is compiled Native AOT: docs/running.md) and each
// is written exactly as the API object would be: a field left null is left out and keeps its stored value.
using k8s;
using k8s.Models;

namespace Vks.Node.Kubernetes;

public static class MergePatches
{
    /// <summary>The pod's status, with the pod's UID as a precondition: the API server refuses the patch (409) when
    /// the name now belongs to another pod.</summary>
    public static V1Patch PodStatus(string podUid, V1PodStatus status) =>
        Of(new V1Pod { Metadata = new V1ObjectMeta { Uid = podUid }, Status = status });

    public static V1Patch NodeStatus(V1NodeStatus status) => Of(new V1Node { Status = status });

    /// <summary>Adds and overwrites the given labels and annotations; others an admin added stay.</summary>
    public static V1Patch NodeLabelsAndAnnotations(IDictionary<string, string>? labels, IDictionary<string, string>? annotations) =>
        Of(new V1Node { Metadata = new V1ObjectMeta { Labels = labels, Annotations = annotations } });

    /// <summary>One more occurrence of an Event: its count and the time it was last seen.</summary>
    public static V1Patch EventRepeat(int count, DateTime lastTimestamp) => Of(new Corev1Event { Count = count, LastTimestamp = lastTimestamp });

    // A string content is written to the request as it is (V1PatchJsonConverter).
    private static V1Patch Of(object model) => new(KubernetesJson.Serialize(model), V1Patch.PatchType.MergePatch);
}
