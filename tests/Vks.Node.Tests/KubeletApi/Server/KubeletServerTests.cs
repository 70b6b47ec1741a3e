// The whole host on loopback: Kestrel with TLS from a certificate source, client certificates and bearer tokens, the
// auth middleware (with fake TokenReview and SubjectAccessReview), and the /healthz and /pods groups.
using System.Net;
using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Vks.Node.KubeletApi;
using Vks.Node.KubeletApi.Certificates;
using Vks.Node.KubeletApi.Security;
using Vks.Node.KubeletApi.Server;
using Vks.Node.Tests.KubeletApi.Security;

namespace Vks.Node.Tests.KubeletApi.Server;

public sealed class KubeletServerTests : IAsyncLifetime
{
    private readonly TestAuthority _authority = new("kubelet-test-ca");
    private readonly SwappableCertificateSource _certificates = new();
    private readonly FakeTokenReviewer _tokens = new();
    private readonly FakeAccessReviewer _access = new();
    private readonly KubeletServer _server;
    private readonly List<HttpClient> _clients = [];
    private int _port;

    public KubeletServerTests()
    {
        _tokens.Tokens["viewer-token"] = FakeTokenReviewer.User("viewer");
        _tokens.Tokens["nobody-token"] = FakeTokenReviewer.User("nobody");
        _access.Allowed.Add(("viewer", "get", "proxy"));
        _access.Allowed.Add(("kube-apiserver-kubelet-client", "get", "proxy"));
        var directory = new StaticPodDirectory(
        [
            new V1Pod { Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Uid = "uid-1" } },
        ]);
        _server = new KubeletServer(
            new KubeletServerOptions(
                0,
                services => services.AddSingleton<IKubeletPodDirectory>(directory),
                endpoints => endpoints.MapHealthz().MapPods(),
                IPAddress.Loopback),
            _certificates,
            new KubeletAuthenticator(new ClientCertificateAuthenticator(_authority.Bundle), _tokens),
            new KubeletAuthorizer(_access),
            NullLoggerFactory.Instance);
    }

    public async Task InitializeAsync()
    {
        _certificates.Serve(_authority.IssueServer());
        await _server.StartAsync(CancellationToken.None);
        _port = (await _server.WaitUntilListeningAsync(Guard())).Port;
    }

    private static CancellationToken Guard() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token; // a hang guard

    /// <summary>A client on a fresh connection that trusts only the test CA and records the certificate it was shown.</summary>
    private HttpClient Client(X509Certificate2? clientCertificate = null, string? token = null, List<string>? seenServerCertificates = null)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(_authority.Certificate);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            var server = (X509Certificate2)certificate!;
            seenServerCertificates?.Add(server.Thumbprint);
            return chain.Build(server);
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }
        var client = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{_port}") };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        _clients.Add(client);
        return client;
    }

    [Fact]
    public async Task Healthz_answers_ok_to_the_api_servers_kubelet_client_certificate()
    {
        using var certificate = _authority.IssueClient("kube-apiserver-kubelet-client", ["system:masters"]);
        var response = await Client(certificate).GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Pods_lists_the_directory_as_a_pod_list_for_a_bearer_token()
    {
        var response = await Client(token: "viewer-token").GetAsync(new Uri("/pods", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var list = KubernetesJson.Deserialize<V1PodList>(await response.Content.ReadAsStringAsync());
        Assert.Equal("PodList", list.Kind);
        Assert.Equal("uid-1", Assert.Single(list.Items).Metadata.Uid);
    }

    [Fact]
    public async Task A_request_without_credentials_gets_401_even_for_an_unknown_path()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client().GetAsync(new Uri("/pods", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client().GetAsync(new Uri("/no-such-thing", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_certificate_from_another_ca_gets_401_not_a_broken_handshake()
    {
        using var stranger = new TestAuthority("stranger-ca");
        using var certificate = stranger.IssueClient("kube-apiserver-kubelet-client", ["system:masters"]);
        var response = await Client(certificate).GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("not trusted", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_without_nodes_proxy_gets_403()
    {
        var response = await Client(token: "nobody-token").GetAsync(new Uri("/pods", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Forbidden (user=nobody, verb=get, resource=nodes, subresource=proxy)", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_authorized_request_for_an_unknown_path_gets_404()
    {
        var response = await Client(token: "viewer-token").GetAsync(new Uri("/no-such-thing", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_renewed_certificate_is_served_from_the_next_connection_without_a_restart()
    {
        var seen = new List<string>();
        var before = _certificates.Current!.Certificate.Thumbprint;
        Assert.Equal(HttpStatusCode.OK, (await Client(token: "viewer-token", seenServerCertificates: seen).GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);

        var renewed = _authority.IssueServer();
        _certificates.Serve(renewed);
        Assert.Equal(HttpStatusCode.OK, (await Client(token: "viewer-token", seenServerCertificates: seen).GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        Assert.Equal([before, renewed.Thumbprint], seen);
    }

    [Fact]
    public async Task Nothing_listens_before_there_is_a_certificate()
    {
        var waiting = new SwappableCertificateSource();
        var server = new KubeletServer(
            new KubeletServerOptions(0, _ => { }, endpoints => endpoints.MapHealthz(), IPAddress.Loopback),
            waiting,
            new KubeletAuthenticator(null, _tokens),
            new KubeletAuthorizer(_access),
            NullLoggerFactory.Instance);
        await server.StartAsync(CancellationToken.None);
        try
        {
            Assert.Equal("not serving: waiting for a test certificate", server.Status);
            Assert.False(server.WaitUntilListeningAsync(CancellationToken.None).IsCompleted);

            waiting.Serve(_authority.IssueServer());
            var endpoint = await server.WaitUntilListeningAsync(Guard());
            Assert.StartsWith($"serving on 127.0.0.1:{endpoint.Port}; ", server.Status, StringComparison.Ordinal);
        }
        finally
        {
            await server.StopAsync(CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
        await _server.StopAsync(CancellationToken.None);
        _server.Dispose();
        _authority.Dispose();
    }

    private sealed class StaticPodDirectory(IReadOnlyList<V1Pod> pods) : IKubeletPodDirectory
    {
        public Task<IReadOnlyList<V1Pod>> ListPodsAsync(CancellationToken cancellationToken) => Task.FromResult(pods);
    }

    /// <summary>A certificate source the test sets by hand; it runs until cancelled, like the real ones.</summary>
    private sealed class SwappableCertificateSource : IServingCertificateSource
    {
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile ServingCertificate? _current;

        public ServingCertificate? Current => _current;

        public string Status => _current is null ? "waiting for a test certificate" : "serving a test certificate";

        public void Serve(X509Certificate2 certificate)
        {
            _current = new ServingCertificate(certificate, []);
            _first.TrySetResult();
        }

        public Task WaitForCertificateAsync(CancellationToken cancellationToken) => _first.Task.WaitAsync(cancellationToken);

        public Task RunAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);
    }
}
