// The API server, in memory, behind the actors' Kubernetes ports: it records every write (status patches, deletes,
// events, node registration, lease renewals) and answers with whatever outcome a test sets.
using System.Collections.Concurrent;
using k8s.Models;
using Vks.Actors.Ports;
using Vks.Node.Kubernetes;

namespace Vks.Actors.Tests.Fakes;

internal sealed record RecordedEvent(PodReference Pod, KubernetesEventType Type, string Reason, string Message, string? FieldPath);

internal sealed class FakeKubernetes : IPodApi, IPodEventRecorder, INodeApi
{
    public const string NodeUid = "node-uid-1";

    public ConcurrentQueue<(PodReference Pod, V1PodStatus Status)> StatusPatches { get; } = new();

    public ConcurrentQueue<PodReference> Deletes { get; } = new();

    public ConcurrentQueue<RecordedEvent> Events { get; } = new();

    public ConcurrentQueue<V1Node> Registrations { get; } = new();

    public ConcurrentQueue<V1NodeStatus> NodeStatusPatches { get; } = new();

    public ConcurrentQueue<string> LeaseRenewals { get; } = new();

    public ApiWriteOutcome StatusOutcome { get; set; } = ApiWriteOutcome.Done;

    public ApiWriteOutcome LeaseOutcome { get; set; } = ApiWriteOutcome.Done;

    public IReadOnlyList<V1PodStatus> StatusesOf(string uid) => StatusPatches.Where(p => p.Pod.Uid == uid).Select(p => p.Status).ToArray();

    public IReadOnlyList<RecordedEvent> EventsOf(string reason) => Events.Where(e => e.Reason == reason).ToArray();

    public Task<ApiWriteResult> PatchStatusAsync(PodReference pod, V1PodStatus status, CancellationToken cancellationToken)
    {
        StatusPatches.Enqueue((pod, status));
        return Task.FromResult(new ApiWriteResult(StatusOutcome, StatusOutcome == ApiWriteOutcome.Done ? null : "set by the test"));
    }

    public Task<ApiWriteResult> DeleteAsync(PodReference pod, CancellationToken cancellationToken)
    {
        Deletes.Enqueue(pod);
        return Task.FromResult(ApiWriteResult.Done);
    }

    public Task<ApiWriteResult> RecordAsync(PodReference pod, KubernetesEventType type, string reason, string message, string? fieldPath, CancellationToken cancellationToken)
    {
        Events.Enqueue(new RecordedEvent(pod, type, reason, message, fieldPath));
        return Task.FromResult(ApiWriteResult.Done);
    }

    public Task<NodeRegistrationResult> RegisterAsync(V1Node node, CancellationToken cancellationToken)
    {
        Registrations.Enqueue(node);
        return Task.FromResult(new NodeRegistrationResult(NodeUid));
    }

    public Task<ApiWriteResult> PatchStatusAsync(V1NodeStatus status, CancellationToken cancellationToken)
    {
        NodeStatusPatches.Enqueue(status);
        return Task.FromResult(ApiWriteResult.Done);
    }

    public Task<ApiWriteResult> RenewLeaseAsync(string nodeUid, CancellationToken cancellationToken)
    {
        LeaseRenewals.Enqueue(nodeUid);
        return Task.FromResult(new ApiWriteResult(LeaseOutcome));
    }
}

/// <summary>The pod watch, fed by the test.</summary>
internal sealed class ManualPodFeed : IPodFeed
{
    private readonly TaskCompletionSource<Action<PodFeedItem>> _emit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string? ResourceVersion { get; private set; }

    public async Task RunAsync(Action<PodFeedItem> emit, CancellationToken cancellationToken)
    {
        _emit.TrySetResult(emit);
        await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public async Task EmitAsync(PodFeedItem item)
    {
        if (item is PodFeedSnapshot snapshot)
        {
            ResourceVersion = snapshot.ResourceVersion;
        }

        (await _emit.Task.WaitAsync(TimeSpan.FromSeconds(10)))(item);
    }
}
