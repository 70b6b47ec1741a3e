using k8s.Models;

namespace Vks.Node.Kubernetes;

/// <summary>
/// One pod object: its name, and the UID that tells it apart from a later pod of the same name. Every write vks
/// makes to a pod carries the UID, so it never lands on a successor.
/// </summary>
public sealed record PodReference(string Namespace, string Name, string Uid)
{
    /// <summary>The reference of <paramref name="pod"/>; an object without namespace, name and UID is refused.</summary>
    public static PodReference From(V1Pod pod) =>
        TryFrom(pod) ?? throw new ArgumentException("The pod lacks a namespace, a name or a UID.", nameof(pod));

    /// <summary>The reference of <paramref name="pod"/>, or null when it lacks a namespace, a name or a UID.</summary>
    public static PodReference? TryFrom(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var metadata = pod.Metadata;
        return string.IsNullOrEmpty(metadata?.NamespaceProperty) || string.IsNullOrEmpty(metadata.Name) || string.IsNullOrEmpty(metadata.Uid)
            ? null
            : new PodReference(metadata.NamespaceProperty, metadata.Name, metadata.Uid);
    }

    public override string ToString() => $"{Namespace}/{Name} ({Uid})";
}
