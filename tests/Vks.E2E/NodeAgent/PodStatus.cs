// Reading a pod as `kubectl get -o json` returns it.
using System.Text.Json;

namespace Vks.E2E.NodeAgent;

public static class PodStatus
{
    public static string Phase(JsonElement pod) =>
        pod.GetProperty("status").TryGetProperty("phase", out var phase) ? phase.GetString() ?? "" : "";

    public static string Uid(JsonElement pod) => pod.GetProperty("metadata").GetProperty("uid").GetString()!;

    public static JsonElement? Container(JsonElement pod, string container) =>
        pod.GetProperty("status").TryGetProperty("containerStatuses", out var statuses)
            ? statuses.EnumerateArray().Where(s => s.GetProperty("name").GetString() == container).Cast<JsonElement?>().FirstOrDefault()
            : null;

    public static bool IsReady(JsonElement pod, string container) =>
        Container(pod, container) is { } status && status.GetProperty("ready").GetBoolean();

    public static int RestartCount(JsonElement pod, string container) =>
        Container(pod, container) is { } status ? status.GetProperty("restartCount").GetInt32() : -1;

    /// <summary>The reason of the container's current state (Waiting or Terminated), or "" while Running.</summary>
    public static string StateReason(JsonElement pod, string container) =>
        Container(pod, container) is { } status
        && status.GetProperty("state").EnumerateObject().FirstOrDefault() is { Value.ValueKind: JsonValueKind.Object } state
        && state.Value.TryGetProperty("reason", out var reason)
            ? reason.GetString() ?? ""
            : "";

    public static JsonElement? Terminated(JsonElement pod, string container) =>
        Container(pod, container) is { } status && status.GetProperty("state").TryGetProperty("terminated", out var terminated)
            ? terminated
            : null;
}
