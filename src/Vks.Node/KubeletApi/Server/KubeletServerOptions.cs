using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Vks.Node.KubeletApi.Server;

/// <param name="Port">--kubelet-port; the API server learns it from the Node's status.daemonEndpoints.</param>
/// <param name="ConfigureServices">Registers what the endpoint groups resolve (IKubeletPodDirectory, ...) in the web
/// host's own container.</param>
/// <param name="MapEndpoints">Maps the endpoint groups; they run after authentication and authorization.</param>
/// <param name="Address">The address to listen on; null: every address (IPv6 and IPv4), as the kubelet does.</param>
public sealed record KubeletServerOptions(
    int Port,
    Action<IServiceCollection> ConfigureServices,
    Action<IEndpointRouteBuilder> MapEndpoints,
    IPAddress? Address = null)
{
    public const int DefaultPort = 10250;
}
