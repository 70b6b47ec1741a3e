using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Vks.Node.KubeletApi.Server;

public static class PodsEndpoints
{
    /// <summary>/pods: the pods this node runs (IKubeletPodDirectory from DI), as a v1 PodList.</summary>
    public static IEndpointRouteBuilder MapPods(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/pods", async (HttpContext context) =>
        {
            var directory = context.RequestServices.GetRequiredService<IKubeletPodDirectory>();
            var pods = await directory.ListPodsAsync(context.RequestAborted).ConfigureAwait(false);
            var list = new V1PodList
            {
                ApiVersion = "v1",
                Kind = "PodList",
                Metadata = new V1ListMeta(),
                Items = [.. pods],
            };
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(KubernetesJson.Serialize(list), context.RequestAborted).ConfigureAwait(false);
        });
        return endpoints;
    }
}
