// The kubelet's stats API v1alpha1 Summary (k8s.io/kubelet/pkg/apis/stats/v1alpha1), the part vks can measure: CPU
// and memory of the node, each pod and each container. Fields vks has no number for are left out (null), as the
// kubelet leaves out what cAdvisor lacks; file system, network and volume stats are not reported.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vks.Node.KubeletApi.Stats;

public sealed record StatsSummary(
    [property: JsonPropertyName("node")] NodeStats Node,
    [property: JsonPropertyName("pods")] IReadOnlyList<PodStats> Pods);

public sealed record NodeStats(
    [property: JsonPropertyName("nodeName")] string NodeName,
    [property: JsonPropertyName("startTime")] DateTimeOffset StartTime,
    [property: JsonPropertyName("cpu")] CpuStats Cpu,
    [property: JsonPropertyName("memory")] MemoryStats Memory);

public sealed record PodStats(
    [property: JsonPropertyName("podRef")] PodReference PodRef,
    [property: JsonPropertyName("startTime")] DateTimeOffset? StartTime,
    [property: JsonPropertyName("containers")] IReadOnlyList<ContainerStats> Containers,
    [property: JsonPropertyName("cpu")] CpuStats? Cpu,
    [property: JsonPropertyName("memory")] MemoryStats? Memory);

public sealed record PodReference(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("uid")] string Uid);

public sealed record ContainerStats(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("startTime")] DateTimeOffset? StartTime,
    [property: JsonPropertyName("cpu")] CpuStats? Cpu,
    [property: JsonPropertyName("memory")] MemoryStats? Memory);

/// <param name="UsageNanoCores">CPU use averaged since the previous sample, in billionths of a core.</param>
/// <param name="UsageCoreNanoSeconds">CPU time used since the cgroup was made, on all cores.</param>
public sealed record CpuStats(
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("usageNanoCores")] ulong? UsageNanoCores,
    [property: JsonPropertyName("usageCoreNanoSeconds")] ulong? UsageCoreNanoSeconds);

public sealed record MemoryStats(
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("availableBytes")] ulong? AvailableBytes,
    [property: JsonPropertyName("usageBytes")] ulong? UsageBytes,
    [property: JsonPropertyName("workingSetBytes")] ulong? WorkingSetBytes,
    [property: JsonPropertyName("rssBytes")] ulong? RssBytes,
    [property: JsonPropertyName("pageFaults")] ulong? PageFaults,
    [property: JsonPropertyName("majorPageFaults")] ulong? MajorPageFaults);

/// <summary>Absent numbers are left out, and times are written as Kubernetes writes a metav1.Time. Source-generated,
/// so the summary is written without reflection (vks is compiled Native AOT).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(KubernetesTimeConverter)])]
[JsonSerializable(typeof(StatsSummary))]
public sealed partial class StatsSummaryJson : JsonSerializerContext;

/// <summary>RFC 3339 in UTC to the second ("2021-03-04T05:06:07Z"), metav1.Time's JSON form.</summary>
internal sealed class KubernetesTimeConverter : JsonConverter<DateTimeOffset>
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString() ?? throw new JsonException("A time is null."), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture));
}
