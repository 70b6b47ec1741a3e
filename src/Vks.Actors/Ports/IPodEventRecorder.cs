using Vks.Node.Kubernetes;

namespace Vks.Actors.Ports;

/// <summary>The type of a Kubernetes Event.</summary>
public enum KubernetesEventType
{
    Normal,
    Warning,
}

/// <summary>Events about pods, for <c>kubectl describe pod</c>. A lost event is only a log line, never a failure.</summary>
public interface IPodEventRecorder
{
    /// <param name="fieldPath">The container the event is about, e.g. <c>spec.containers{web}</c>; null for the pod.</param>
    Task<ApiWriteResult> RecordAsync(
        PodReference pod, KubernetesEventType type, string reason, string message, string? fieldPath, CancellationToken cancellationToken);
}
