// The kubelet answers errors with a Kubernetes v1 Status object, the same shape the API server uses, so kubectl shows
// the message when it proxies the call (`kubectl logs` prints "Error from server (NotFound): ...").
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Vks.Node.KubeletApi;

public static class KubeletStatusResponse
{
    /// <summary>Writes a failure Status with the given HTTP code, reason (NotFound, BadRequest, Unauthorized,
    /// Forbidden, InternalError...) and message.</summary>
    public static async Task WriteAsync(HttpResponse response, int statusCode, string reason, string message)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        var status = new Dictionary<string, object>
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new Dictionary<string, object>(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = statusCode,
        };
        await JsonSerializer.SerializeAsync(response.Body, status, cancellationToken: response.HttpContext.RequestAborted);
    }
}
