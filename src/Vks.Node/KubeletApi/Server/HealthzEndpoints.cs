using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Vks.Node.KubeletApi.Server;

public static class HealthzEndpoints
{
    /// <summary>/healthz: "ok" while the server runs, as the kubelet answers it (text/plain).</summary>
    public static IEndpointRouteBuilder MapHealthz(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapMethods("/healthz", [HttpMethods.Get, HttpMethods.Head], context =>
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync("ok", context.RequestAborted);
        });
        return endpoints;
    }
}
