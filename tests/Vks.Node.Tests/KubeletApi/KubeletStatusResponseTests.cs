using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vks.Node.KubeletApi;

namespace Vks.Node.Tests.KubeletApi;

public sealed class KubeletStatusResponseTests
{
    [Fact]
    public async Task A_failure_is_a_v1_Status_object_as_the_api_server_writes_it()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();

        await KubeletStatusResponse.WriteAsync(context.Response, 404, "NotFound", "pod \"web\" does not exist");

        Assert.Equal(404, context.Response.StatusCode);
        Assert.Equal("application/json", context.Response.ContentType);
        context.Response.Body.Position = 0;
        var status = JsonDocument.Parse(context.Response.Body).RootElement;
        Assert.Equal("Status", status.GetProperty("kind").GetString());
        Assert.Equal("v1", status.GetProperty("apiVersion").GetString());
        Assert.Equal(JsonValueKind.Object, status.GetProperty("metadata").ValueKind);
        Assert.Empty(status.GetProperty("metadata").EnumerateObject());
        Assert.Equal("Failure", status.GetProperty("status").GetString());
        Assert.Equal("pod \"web\" does not exist", status.GetProperty("message").GetString());
        Assert.Equal("NotFound", status.GetProperty("reason").GetString());
        Assert.Equal(404, status.GetProperty("code").GetInt32());
        Assert.Equal(7, status.EnumerateObject().Count());
    }
}
