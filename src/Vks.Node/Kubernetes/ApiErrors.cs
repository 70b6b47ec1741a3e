// How a failed call to the API server is read. KubernetesClient reports an HTTP error status as an
// HttpOperationException (the Status object is in the response body) and a watch ERROR event as a
// KubernetesException (the Status object is parsed). The adapters turn the expected ones into result values;
// everything else propagates.
using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Vks.Node.Kubernetes;

internal static class ApiErrors
{
    /// <summary>The HTTP status the API server answered with, or null when the failure is not an answer.</summary>
    public static HttpStatusCode? StatusCodeOf(Exception error) => error switch
    {
        HttpOperationException http => http.Response?.StatusCode,
        KubernetesException { Status.Code: int code } => (HttpStatusCode)code,
        _ => null,
    };

    /// <summary>The Status object the API server sent with the failure, or null (no body, or not a Status).</summary>
    public static V1Status? StatusOf(Exception error)
    {
        switch (error)
        {
            case KubernetesException kubernetes:
                return kubernetes.Status;
            case HttpOperationException { Response.Content: { Length: > 0 } body }:
                try
                {
                    return KubernetesJson.Deserialize<V1Status>(body);
                }
                catch (JsonException)
                {
                    return null; // a proxy's HTML error page, say: the status code still tells what happened
                }
            default:
                return null;
        }
    }

    public static bool Is(Exception error, HttpStatusCode code) => StatusCodeOf(error) == code;

    /// <summary>410 Gone: the resourceVersion a watch started from has been compacted away; list again.</summary>
    public static bool IsGone(Exception error) =>
        Is(error, HttpStatusCode.Gone) || StatusOf(error)?.Reason is "Expired" or "Gone";

    /// <summary>
    /// 403 from NodeRestriction because the pod the name now holds is bound to another node ("node X can only
    /// update pod status for / delete pods with spec.nodeName set to itself"). Pods never change node, so this
    /// pod is not the one vks knows. Any other 403 is a configuration error and propagates.
    /// </summary>
    public static bool IsPodOfAnotherNode(Exception error) =>
        Is(error, HttpStatusCode.Forbidden)
        && StatusOf(error)?.Message?.Contains("spec.nodeName set to itself", StringComparison.Ordinal) == true;

    /// <summary>
    /// The API server is away or overloaded: connection refused or reset, TLS or HTTP/2 failure, a timeout of the
    /// HTTP client, 429 or 5xx. Worth retrying later; not a bug and not a configuration error that a retry hides
    /// (401 and 403 are not in this set).
    /// </summary>
    public static bool IsUnavailable(Exception error, CancellationToken callerToken) => error switch
    {
        HttpRequestException or IOException => true,
        // The HTTP client's own timeout surfaces as a cancellation that nobody asked for.
        OperationCanceledException => !callerToken.IsCancellationRequested,
        _ => StatusCodeOf(error) is HttpStatusCode.TooManyRequests
            or HttpStatusCode.InternalServerError
            or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable
            or HttpStatusCode.GatewayTimeout,
    };

    /// <summary>A one-line reason for logs and the debug dump: the server's message when it sent one.</summary>
    public static string Describe(Exception error)
    {
        var status = StatusOf(error);
        var code = StatusCodeOf(error);
        return status?.Message is { Length: > 0 } message
            ? $"{(int?)code} {status.Reason}: {message}"
            : $"{error.GetType().Name}: {error.Message}";
    }
}
