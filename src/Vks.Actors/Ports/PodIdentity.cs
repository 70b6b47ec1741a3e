using k8s.Models;

namespace Vks.Actors.Ports;

/// <summary>
/// One pod object: its name, and the UID that tells it apart from a later pod of the same name. Every write the
/// actors make to a pod carries the UID, so it never lands on a successor.
/// </summary>
public sealed record PodIdentity(string Namespace, string Name, string Uid)
{
    /// <summary>The identity of <paramref name="pod"/>, or null when it lacks a namespace, a name or a UID.</summary>
    public static PodIdentity? Of(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var metadata = pod.Metadata;
        return string.IsNullOrEmpty(metadata?.NamespaceProperty) || string.IsNullOrEmpty(metadata.Name) || string.IsNullOrEmpty(metadata.Uid)
            ? null
            : new PodIdentity(metadata.NamespaceProperty, metadata.Name, metadata.Uid);
    }

    public override string ToString() => $"{Namespace}/{Name} ({Uid})";
}
