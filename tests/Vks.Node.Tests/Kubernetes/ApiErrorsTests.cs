using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Vks.Node.Kubernetes;

namespace Vks.Node.Tests.Kubernetes;

public sealed class ApiErrorsTests
{
    [Fact]
    public void A_410_is_gone_whether_it_came_as_an_http_status_or_a_watch_error_event()
    {
        Assert.True(ApiErrors.IsGone(HttpError(HttpStatusCode.Gone, "")));
        Assert.True(ApiErrors.IsGone(new KubernetesException(new V1Status { Code = 410, Reason = "Expired" })));
        // Some servers put the reason on a Status without a usable code.
        Assert.True(ApiErrors.IsGone(new KubernetesException(new V1Status { Reason = "Expired" })));
        Assert.False(ApiErrors.IsGone(HttpError(HttpStatusCode.NotFound, "")));
        Assert.False(ApiErrors.IsGone(new KubernetesException("no status")));
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.Unauthorized, false)] // a configuration error: retrying would hide it
    [InlineData(HttpStatusCode.Forbidden, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.Conflict, false)]
    public void Only_overload_and_server_errors_among_http_statuses_mean_unavailable(HttpStatusCode code, bool unavailable)
    {
        Assert.Equal(unavailable, ApiErrors.IsUnavailable(HttpError(code, ""), CancellationToken.None));
    }

    [Fact]
    public void Transport_failures_and_the_http_clients_own_timeout_mean_unavailable_but_our_cancellation_does_not()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.True(ApiErrors.IsUnavailable(new HttpRequestException("Connection refused"), CancellationToken.None));
        Assert.True(ApiErrors.IsUnavailable(new IOException("reset by peer"), CancellationToken.None));
        Assert.True(ApiErrors.IsUnavailable(new TaskCanceledException("HttpClient.Timeout"), CancellationToken.None));
        Assert.False(ApiErrors.IsUnavailable(new OperationCanceledException(cancelled.Token), cancelled.Token));
        Assert.False(ApiErrors.IsUnavailable(new InvalidOperationException(), CancellationToken.None));
    }

    [Fact]
    public void The_status_in_an_http_error_body_is_read_and_a_garbled_body_is_tolerated()
    {
        var error = HttpError(HttpStatusCode.Conflict,
            """{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Conflict","code":409,"message":"Precondition failed: UID in precondition: a, UID in object meta: b"}""");

        Assert.Equal("Conflict", ApiErrors.StatusOf(error)?.Reason);
        Assert.Equal("409 Conflict: Precondition failed: UID in precondition: a, UID in object meta: b", ApiErrors.Describe(error));
        Assert.Null(ApiErrors.StatusOf(HttpError(HttpStatusCode.BadGateway, "<html>bad gateway</html>")));
        Assert.Contains("BadGateway", ApiErrors.Describe(HttpError(HttpStatusCode.BadGateway, "<html>")), StringComparison.Ordinal);
    }

    [Fact]
    public void Node_restrictions_refusal_of_another_nodes_pod_is_told_apart_from_other_403s()
    {
        var otherNode = HttpError(HttpStatusCode.Forbidden,
            """{"kind":"Status","code":403,"reason":"Forbidden","message":"pods \"p\" is forbidden: node \"n1\" can only delete pods with spec.nodeName set to itself"}""");
        var rbac = HttpError(HttpStatusCode.Forbidden,
            """{"kind":"Status","code":403,"reason":"Forbidden","message":"User \"system:node:n1\" cannot get resource \"pods/status\""}""");

        Assert.True(ApiErrors.IsPodOfAnotherNode(otherNode));
        Assert.False(ApiErrors.IsPodOfAnotherNode(rbac));
    }

    private static HttpOperationException HttpError(HttpStatusCode code, string body) => new($"Operation returned an invalid status code '{code}'")
    {
        Response = new HttpResponseMessageWrapper(new HttpResponseMessage(code), body),
    };
}
