// Pods for the specs. Every builder returns a fresh object (pods are copied through JSON, as the watch would
// deliver a new object for each change).
using k8s;
using k8s.Models;
using Vks.Node.Pods;

namespace Vks.Actors.Tests;

internal static class TestPods
{
    public const string Uid = "0b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a5b";

    // A Debian-style unit for uptimed, the seed's example: its ExecStart= is the container's entrypoint.
    public const string UptimedUnit = """
        [Unit]
        Description=uptime record daemon

        [Service]
        Type=notify
        ExecStart=/usr/sbin/uptimed -f
        Restart=on-failure

        [Install]
        WantedBy=multi-user.target
        """;

    public static V1Pod Pod(
        IList<V1Container> containers,
        IList<V1Container>? initContainers = null,
        string name = "web",
        string uid = Uid,
        string restartPolicy = "Always",
        long gracePeriodSeconds = 30) =>
        new()
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Uid = uid, Generation = 1 },
            Spec = new V1PodSpec
            {
                Containers = containers,
                InitContainers = initContainers,
                RestartPolicy = restartPolicy,
                TerminationGracePeriodSeconds = gracePeriodSeconds,
                NodeName = "node-1",
            },
            Status = new V1PodStatus { Phase = "Pending" },
        };

    public static V1Container Package(string name, string image = "uptimed", string? pullPolicy = "IfNotPresent") =>
        new() { Name = name, Image = image, ImagePullPolicy = pullPolicy };

    /// <summary>A container running a command of the host's /bin/sh: no package to install.</summary>
    public static V1Container Shell(string name, string script = "sleep infinity") =>
        new() { Name = name, Image = "/bin/sh", Args = ["-c", script] };

    public static string UnitName(V1Pod pod, string container) =>
        ContainerUnitName.For(pod.Metadata.NamespaceProperty, pod.Metadata.Name, pod.Metadata.Uid, container);

    public static V1Pod Copy(V1Pod pod) => KubernetesJson.Deserialize<V1Pod>(KubernetesJson.Serialize(pod));

    public static V1Pod WithImage(V1Pod pod, string container, string image)
    {
        var copy = Copy(pod);
        copy.Spec.Containers.Concat(copy.Spec.InitContainers ?? []).Single(c => c.Name == container).Image = image;
        return copy;
    }

    public static V1Pod Deleted(V1Pod pod, long gracePeriodSeconds)
    {
        var copy = Copy(pod);
        copy.Metadata.DeletionTimestamp = DateTime.UtcNow;
        copy.Metadata.DeletionGracePeriodSeconds = gracePeriodSeconds;
        return copy;
    }

    public static V1Pod WithStatus(V1Pod pod, V1PodStatus status)
    {
        var copy = Copy(pod);
        copy.Status = KubernetesJson.Deserialize<V1PodStatus>(KubernetesJson.Serialize(status));
        return copy;
    }
}
