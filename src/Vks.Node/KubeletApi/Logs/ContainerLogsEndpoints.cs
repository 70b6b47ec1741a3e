// /containerLogs/{namespace}/{pod}/{container}: what `kubectl logs` reaches through the API server. Answers like the
// kubelet: options are checked first (400), then the pod (404 "pod ... does not exist") and the container, init
// containers included (404 "container ... not found in pod ..."); then the run to show is chosen (400 when there is
// none, with the kubelet's wording) and its lines stream as text/plain. docs/logs.md describes the mapping.
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vks.Node.Pods;
using Vks.Node.Status;
using Vks.Systemd.DBus;
using Vks.Systemd.Journal;
using Vks.Systemd.Manager;

namespace Vks.Node.KubeletApi.Logs;

public static class ContainerLogsEndpoints
{
    /// <summary>Maps GET /containerLogs/{podNamespace}/{podName}/{containerName}. Needs IKubeletPodDirectory,
    /// ISystemdManager and JournalReader from DI.</summary>
    public static IEndpointRouteBuilder MapContainerLogs(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/containerLogs/{podNamespace}/{podName}/{containerName}", context =>
        {
            var route = context.Request.RouteValues;
            var podNamespace = (string)route["podNamespace"]!;
            var podName = (string)route["podName"]!;
            var containerName = (string)route["containerName"]!;
            var services = context.RequestServices;
            var source = new ContainerLogSource(services.GetRequiredService<ISystemdManager>(), services.GetRequiredService<JournalReader>());
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ContainerLogsEndpoints));
            return ServeAsync(context, services.GetRequiredService<IKubeletPodDirectory>(), source, logger, podNamespace, podName, containerName);
        });
        return endpoints;
    }

    private static async Task ServeAsync(
        HttpContext context,
        IKubeletPodDirectory directory,
        ContainerLogSource source,
        ILogger logger,
        string podNamespace,
        string podName,
        string containerName)
    {
        var response = context.Response;
        var cancellationToken = context.RequestAborted;
        if (!ContainerLogOptions.TryParse(context.Request.Query, DateTimeOffset.UtcNow, out var options, out var invalid))
        {
            await KubeletStatusResponse.WriteAsync(response, StatusCodes.Status400BadRequest, "BadRequest", invalid).ConfigureAwait(false);
            return;
        }

        var pods = await directory.ListPodsAsync(cancellationToken).ConfigureAwait(false);
        var pod = pods.FirstOrDefault(p => p.Metadata?.NamespaceProperty == podNamespace && p.Metadata?.Name == podName);
        if (pod?.Metadata?.Uid is not { Length: > 0 } podUid)
        {
            await KubeletStatusResponse.WriteAsync(response, StatusCodes.Status404NotFound, "NotFound", $"pod {GoFormatting.Quote(podName)} does not exist")
                .ConfigureAwait(false);
            return;
        }

        if (!HasContainer(pod, containerName))
        {
            await KubeletStatusResponse.WriteAsync(
                response,
                StatusCodes.Status404NotFound,
                "NotFound",
                $"container {GoFormatting.Quote(containerName)} not found in pod {GoFormatting.Quote(podName)}").ConfigureAwait(false);
            return;
        }

        var unitName = ContainerUnitName.For(podNamespace, podName, podUid, containerName);
        var status = StatusOf(pod, containerName);
        try
        {
            var unit = await source.GetUnitStateAsync(unitName, cancellationToken).ConfigureAwait(false);
            var run = await ContainerRunChoice.ChooseAsync(options.Previous, unit, status, source.RunsNewestFirst(unitName, podUid), cancellationToken)
                .ConfigureAwait(false);
            if (run is null)
            {
                await KubeletStatusResponse.WriteAsync(response, StatusCodes.Status400BadRequest, "BadRequest", NoRunMessage(options.Previous, podName, containerName, status))
                    .ConfigureAwait(false);
                return;
            }

            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/plain; charset=utf-8";
            var writer = new ContainerLogWriter(response.BodyWriter, options.Timestamps, options.LimitBytes);
            await source.CopyAsync(unitName, podUid, run, options, writer, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; journalctl has been stopped.
        }
        catch (Exception e) when (e is JournalReadException or DBusErrorException)
        {
            logger.LogWarning(e, "Reading the log of {Unit} failed", unitName);
            if (response.HasStarted)
            {
                // Lines were sent already; only an aborted response tells the client the log is incomplete.
                context.Abort();
                return;
            }

            await KubeletStatusResponse.WriteAsync(response, StatusCodes.Status500InternalServerError, "InternalError", $"reading the log of {unitName} failed: {e.Message}")
                .ConfigureAwait(false);
        }
    }

    private static bool HasContainer(V1Pod pod, string containerName) =>
        (pod.Spec?.Containers ?? []).Concat(pod.Spec?.InitContainers ?? []).Any(c => c.Name == containerName);

    private static V1ContainerStatus? StatusOf(V1Pod pod, string containerName) =>
        (pod.Status?.ContainerStatuses ?? []).Concat(pod.Status?.InitContainerStatuses ?? []).FirstOrDefault(s => s.Name == containerName);

    // The kubelet's messages (validateContainerLogStatus) for a container with no instance to read.
    internal static string NoRunMessage(bool previous, string podName, string containerName, V1ContainerStatus? status)
    {
        var container = GoFormatting.Quote(containerName);
        var pod = GoFormatting.Quote(podName);
        if (previous)
        {
            return $"previous terminated container {container} in pod {pod} not found";
        }

        return status?.State?.Waiting?.Reason switch
        {
            ContainerStatusBuilder.ErrImagePull => $"container {container} in pod {pod} is waiting to start: image can't be pulled",
            ContainerStatusBuilder.ImagePullBackOff => $"container {container} in pod {pod} is waiting to start: trying and failing to pull image",
            { Length: > 0 } reason => $"container {container} in pod {pod} is waiting to start: {reason}",
            _ => $"container {container} in pod {pod} is waiting to start - no logs yet",
        };
    }
}
