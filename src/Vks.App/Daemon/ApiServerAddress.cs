namespace Vks.App.Daemon;

/// <summary>
/// KUBERNETES_SERVICE_HOST/PORT for the pods: the API server vks itself uses, from the kubeconfig's server URL.
/// Pods run in the host's network without kube-proxy, so the cluster's ClusterIP would not reach anything.
/// </summary>
internal sealed record ApiServerAddress(string Host, int Port)
{
    /// <summary>Reads an absolute http(s) URL; the port defaults to the scheme's (443 for https).</summary>
    public static ApiServerAddress Parse(string server)
    {
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException($"The kubeconfig's server '{server}' is not an http(s) URL.");
        }

        // DnsSafeHost drops the brackets of an IPv6 literal, as an environment variable wants it.
        return new ApiServerAddress(uri.DnsSafeHost, uri.Port);
    }
}
