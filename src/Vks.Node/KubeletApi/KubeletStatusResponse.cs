// The kubelet answers errors with a Kubernetes v1 Status object, the same shape the API server uses, so kubectl shows
// the message when it proxies the call (`kubectl logs` prints "Error from server (NotFound): ...").
using System.Buffers;
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
        // Written field by field: KubernetesClient's V1Status can be read but not written, and this needs no
        // reflection (vks is compiled Native AOT).
        var body = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("kind", "Status");
            json.WriteString("apiVersion", "v1");
            json.WriteStartObject("metadata");
            json.WriteEndObject();
            json.WriteString("status", "Failure");
            json.WriteString("message", message);
            json.WriteString("reason", reason);
            json.WriteNumber("code", statusCode);
            json.WriteEndObject();
        }

        await response.Body.WriteAsync(body.WrittenMemory, response.HttpContext.RequestAborted);
    }
}
