// core/v1 Events about pods, for `kubectl describe pod` (events.k8s.io/v1 would do too, but core/v1 is what a
// 1.20 API server and every kubectl show). Like the kubelet's recorder, a repeat of the same event (same pod,
// container, type, reason and message) within AggregationWindow of the last one is not a new object: the stored
// Event's count goes up by one and its lastTimestamp moves (a merge patch). A repeat after the window, or after
// the stored Event expired (the API server drops Events after an hour), creates a new one.
// Simplifications, all harmless for a human reader of `describe`: what was recorded is remembered in memory only
// (a restarted vks starts new Events), for at most MaxRemembered keys; two identical events recorded at the very
// same time may be counted once; a failed patch still advances the remembered count.
using System.Globalization;
using System.Net;
using k8s;
using k8s.Models;

namespace Vks.Node.Kubernetes;

public enum PodEventType
{
    Normal,
    Warning,
}

public enum EventOutcome
{
    Created,

    /// <summary>A repeat: the count of the stored Event went up.</summary>
    Aggregated,

    /// <summary>The pod's namespace is gone or terminating; the event has nowhere to go.</summary>
    Dropped,
    ApiUnavailable,
}

public sealed class EventRecorder
{
    public static readonly TimeSpan AggregationWindow = TimeSpan.FromMinutes(10);
    internal const int MaxRemembered = 4096;

    // An apt error line can be anything; a describe line is read by a human. Kubernetes bounds reasons at 128.
    internal const int MaxReasonLength = 128;
    internal const int MaxMessageLength = 1024;

    private const string Component = "vks";

    // An Event's name is a DNS subdomain.
    internal const int MaxNameLength = 253;

    private readonly IKubernetes _client;
    private readonly string _nodeName;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new(); // PodActors record concurrently
    private readonly Dictionary<EventKey, StoredEvent> _recent = [];
    private long _lastNameStamp;

    public EventRecorder(IKubernetes client, string nodeName, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        _client = client;
        _nodeName = nodeName;
        _time = time ?? TimeProvider.System;
    }

    /// <param name="fieldPath">The container the event is about, e.g. <c>spec.containers{web}</c>; null for the pod.</param>
    public async Task<ApiResult<EventOutcome>> RecordAsync(
        PodReference pod, PodEventType type, string reason, string message, string? fieldPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        ArgumentNullException.ThrowIfNull(message);
        reason = Truncate(reason, MaxReasonLength);
        message = Truncate(message, MaxMessageLength);
        var clock = _time.GetUtcNow();
        var now = TruncateToSeconds(clock.UtcDateTime); // Event timestamps are whole seconds
        var key = new EventKey(pod.Uid, fieldPath, type, reason, message);
        try
        {
            if (TakeRepeat(key, now) is { } repeat)
            {
                try
                {
                    var patch = MergePatches.EventRepeat(repeat.Count, now);
                    await _client.CoreV1.PatchNamespacedEventAsync(patch, repeat.Name, pod.Namespace, cancellationToken: cancellationToken)
                        .ConfigureAwait(false);
                    return new ApiResult<EventOutcome>(EventOutcome.Aggregated);
                }
                catch (Exception e) when (ApiErrors.Is(e, HttpStatusCode.NotFound))
                {
                    Forget(key); // expired on the server: start a new one
                }
            }

            var name = EventName(pod.Name, NextNameStamp(clock));
            var created = await _client.CoreV1.CreateNamespacedEventAsync(NewEvent(name, pod, type, reason, message, fieldPath, now), pod.Namespace, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            Remember(key, new StoredEvent(created.Metadata.Name, Count: 1, LastTimestamp: now));
            return new ApiResult<EventOutcome>(EventOutcome.Created);
        }
        catch (Exception e) when (ApiErrors.Is(e, HttpStatusCode.NotFound) || IsNamespaceTerminating(e))
        {
            return new ApiResult<EventOutcome>(EventOutcome.Dropped, ApiErrors.Describe(e));
        }
        catch (Exception e) when (ApiErrors.IsUnavailable(e, cancellationToken))
        {
            return new ApiResult<EventOutcome>(EventOutcome.ApiUnavailable, ApiErrors.Describe(e));
        }
    }

    /// <summary>Named as kubelet names its Events, the pod's name and the time in nanoseconds (hex, 16 digits until
    /// 2262): listed by name (`kubectl get events`, and `describe` for events of the same second) they come in the
    /// order they happened. A random suffix showed Started before Created. A pod name too long to fit is shortened.
    /// </summary>
    internal static string EventName(string podName, long stamp)
    {
        var suffix = "." + stamp.ToString("x16", CultureInfo.InvariantCulture);
        var prefix = podName.Length + suffix.Length <= MaxNameLength
            ? podName
            : podName[..(MaxNameLength - suffix.Length)].TrimEnd('-', '.'); // a DNS label ends alphanumeric
        return prefix + suffix;
    }

    // Nanoseconds since the epoch, later than any name this recorder gave before: two events in the same tick (or
    // under a clock that stands still) neither collide nor swap places.
    private long NextNameStamp(DateTimeOffset clock)
    {
        lock (_gate)
        {
            _lastNameStamp = Math.Max((clock - DateTimeOffset.UnixEpoch).Ticks * 100, _lastNameStamp + 1);
            return _lastNameStamp;
        }
    }

    private Corev1Event NewEvent(string name, PodReference pod, PodEventType type, string reason, string message, string? fieldPath, DateTime now) => new()
    {
        ApiVersion = "v1",
        Kind = "Event",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = pod.Namespace },
        InvolvedObject = new V1ObjectReference
        {
            ApiVersion = "v1",
            Kind = "Pod",
            NamespaceProperty = pod.Namespace,
            Name = pod.Name,
            Uid = pod.Uid,
            FieldPath = fieldPath,
        },
        Type = type.ToString(),
        Reason = reason,
        Message = message,
        Source = new V1EventSource { Component = Component, Host = _nodeName },
        FirstTimestamp = now,
        LastTimestamp = now,
        Count = 1,
    };

    /// <summary>The stored Event this one repeats, with its count already raised; null when it is new.</summary>
    private StoredEvent? TakeRepeat(EventKey key, DateTime now)
    {
        lock (_gate)
        {
            if (!_recent.TryGetValue(key, out var stored) || now - stored.LastTimestamp > AggregationWindow)
            {
                return null;
            }

            var repeat = stored with { Count = stored.Count + 1, LastTimestamp = now };
            _recent[key] = repeat;
            return repeat;
        }
    }

    private void Remember(EventKey key, StoredEvent stored)
    {
        lock (_gate)
        {
            if (_recent.Count >= MaxRemembered && !_recent.ContainsKey(key))
            {
                _recent.Remove(_recent.MinBy(pair => pair.Value.LastTimestamp).Key);
            }

            _recent[key] = stored;
        }
    }

    private void Forget(EventKey key)
    {
        lock (_gate)
        {
            _recent.Remove(key);
        }
    }

    private static bool IsNamespaceTerminating(Exception error) =>
        ApiErrors.Is(error, HttpStatusCode.Forbidden)
        && ApiErrors.StatusOf(error)?.Details?.Causes?.Any(c => c.Reason == "NamespaceTerminating") == true;

    internal static string Truncate(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        // Never cut a surrogate pair in half: the server would reject the invalid UTF-8.
        var cut = char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
        return text[..cut];
    }

    private static DateTime TruncateToSeconds(DateTime time) =>
        new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    private sealed record EventKey(string PodUid, string? FieldPath, PodEventType Type, string Reason, string Message);

    private sealed record StoredEvent(string Name, int Count, DateTime LastTimestamp);
}
