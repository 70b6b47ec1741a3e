using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Vks.Node.KubeletApi.Security;
using Vks.Node.Tests.Kubernetes;

namespace Vks.Node.Tests.KubeletApi.Security;

public sealed class KubeletAuthMiddlewareTests : IDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly TestAuthority _authority;
    private readonly FakeTokenReviewer _tokens = new();
    private readonly FakeAccessReviewer _access = new();
    private readonly KubeletAuthMiddleware _middleware;
    private int _endpointCalls;

    public KubeletAuthMiddlewareTests()
    {
        _authority = new TestAuthority("client-ca", _clock.GetUtcNow());
        _tokens.Tokens["scraper-token"] = FakeTokenReviewer.User("scraper");
        _middleware = new KubeletAuthMiddleware(
            _ => { _endpointCalls++; return Task.CompletedTask; },
            new KubeletAuthenticator(new ClientCertificateAuthenticator(_authority.Bundle, _clock), _tokens, _clock),
            new KubeletAuthorizer(_access, _clock),
            NullLogger<KubeletAuthMiddleware>.Instance);
    }

    private static DefaultHttpContext Request(string method, string path, string? authorization = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static JsonElement Body(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return JsonDocument.Parse(context.Response.Body).RootElement;
    }

    [Fact]
    public async Task A_request_without_credentials_gets_401_as_a_status_object()
    {
        var context = Request("GET", "/pods");
        await _middleware.InvokeAsync(context);
        Assert.Equal(401, context.Response.StatusCode);
        Assert.Equal("application/json", context.Response.ContentType);
        var status = Body(context);
        Assert.Equal("Status", status.GetProperty("kind").GetString());
        Assert.Equal("Unauthorized", status.GetProperty("reason").GetString());
        Assert.Equal(401, status.GetProperty("code").GetInt32());
        Assert.Equal(0, _endpointCalls);
        Assert.Empty(_access.Asked);
    }

    [Fact]
    public async Task An_unknown_token_gets_401()
    {
        var context = Request("GET", "/pods", "Bearer stolen");
        await _middleware.InvokeAsync(context);
        Assert.Equal(401, context.Response.StatusCode);
        Assert.Equal(0, _endpointCalls);
    }

    [Fact]
    public async Task A_user_without_the_permission_gets_403_with_the_attributes_and_the_reason()
    {
        var context = Request("GET", "/containerLogs/default/web/main", "Bearer scraper-token");
        await _middleware.InvokeAsync(context);
        Assert.Equal(403, context.Response.StatusCode);
        var message = Body(context).GetProperty("message").GetString();
        Assert.Equal("Forbidden (user=scraper, verb=get, resource=nodes, subresource=proxy): no RBAC policy matched", message);
        Assert.Equal(0, _endpointCalls);
    }

    [Fact]
    public async Task An_allowed_request_reaches_the_endpoint_after_one_review_per_distinct_question()
    {
        _access.Allowed.Add(("scraper", "get", "stats"));
        for (var i = 0; i < 3; i++)
        {
            var context = Request("GET", "/stats/summary", "Bearer scraper-token");
            await _middleware.InvokeAsync(context);
            Assert.Equal(200, context.Response.StatusCode);
        }
        Assert.Equal(3, _endpointCalls);
        var (user, attributes) = Assert.Single(_access.Asked);
        Assert.Equal("scraper", user.Name);
        Assert.Equal(new KubeletRequestAttributes("get", "stats"), attributes);
        Assert.Equal(1, _tokens.Reviews);
    }

    [Fact]
    public async Task The_client_certificate_user_is_the_one_authorized()
    {
        _access.Allowed.Add(("kube-apiserver-kubelet-client", "get", "proxy"));
        using var certificate = _authority.IssueClient("kube-apiserver-kubelet-client", ["system:masters"], _clock.GetUtcNow());
        var context = Request("GET", "/healthz");
        context.Connection.ClientCertificate = certificate;
        await _middleware.InvokeAsync(context);
        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(1, _endpointCalls);
        Assert.Contains("system:masters", _access.Asked.Single().User.Groups);
    }

    [Fact]
    public async Task A_method_with_no_api_verb_is_forbidden_without_asking()
    {
        var context = Request("OPTIONS", "/pods", "Bearer scraper-token");
        await _middleware.InvokeAsync(context);
        Assert.Equal(403, context.Response.StatusCode);
        Assert.Empty(_access.Asked);
    }

    [Fact]
    public async Task A_token_review_the_api_server_cannot_answer_is_a_401()
    {
        _tokens.Failure = new HttpRequestException("connection refused");
        var context = Request("GET", "/pods", "Bearer scraper-token");
        await _middleware.InvokeAsync(context);
        Assert.Equal(401, context.Response.StatusCode);
    }

    [Fact]
    public async Task An_access_review_the_api_server_cannot_answer_is_a_500()
    {
        _access.Failure = new HttpRequestException("connection refused");
        var context = Request("GET", "/pods", "Bearer scraper-token");
        await _middleware.InvokeAsync(context);
        Assert.Equal(500, context.Response.StatusCode);
        Assert.StartsWith("Authorization error (user=scraper", Body(context).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _endpointCalls);
    }

    public void Dispose() => _authority.Dispose();
}
