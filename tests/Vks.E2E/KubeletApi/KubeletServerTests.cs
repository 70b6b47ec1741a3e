// The kubelet API host against the testbed's real API server, end to end: the serving certificate comes from a CSR
// that the admin approves with `kubectl certificate approve`, kube-controller-manager signs it with the cluster CA, and
// the API server (--kubelet-certificate-authority) verifies it when it proxies /api/v1/nodes/<node>/proxy/... to us.
// The server runs in this process as Node "kubelet-api-e2e" (not the testbed's own node name, which vks uses) with the
// node's credentials for the CSR, TokenReview and SubjectAccessReview calls, on a port the system picks.
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Vks.E2E.Testbed;
using Vks.Node.KubeletApi;
using Vks.Node.KubeletApi.Certificates;
using Vks.Node.KubeletApi.Security;
using Vks.Node.KubeletApi.Server;

namespace Vks.E2E.KubeletApi;

[Collection(TestbedCollection.Name)]
public sealed partial class KubeletServerTests(TestbedFixture fixture) : IAsyncLifetime
{
    private const string NodeName = "kubelet-api-e2e";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly Testbed.Testbed _testbed = fixture.Testbed;
    private readonly string _pkiDirectory = Directory.CreateTempSubdirectory("vks-kubelet-api-e2e-").FullName;
    private readonly HashSet<string> _csrsBefore = [];
    private IKubernetes _admin = null!;
    private IKubernetes _node = null!;

    private string Pki(string file) => Path.Combine(_testbed.StateDir, "pki", file);

    public async Task InitializeAsync()
    {
        _admin = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_testbed.AdminKubeconfig));
        _node = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_testbed.NodeKubeconfig));
        _csrsBefore.UnionWith(await CsrNamesAsync());
        await _admin.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = NodeName } });
    }

    [Fact]
    public async Task The_api_server_reaches_the_kubelet_api_over_verified_tls_and_a_restart_keeps_the_certificate()
    {
        // 1. No certificate yet: a CSR waits for the operator, nothing listens.
        await using (var running = await StartAsync())
        {
            var pending = await Eventually.ReadUntilAsync(
                () => Task.FromResult(running.Server.Status), s => CsrName().IsMatch(s), Deadline);
            var csr = CsrName().Match(pending);
            Assert.True(csr.Success, $"no CSR in the status: {pending}");
            Assert.StartsWith("not serving: waiting for approval of CSR", pending, StringComparison.Ordinal);
            var request = await _admin.CertificatesV1.ReadCertificateSigningRequestAsync(csr.Groups[1].Value);
            Assert.Equal("kubernetes.io/kubelet-serving", request.Spec.SignerName);
            Assert.Equal($"system:node:{_testbed.Name}", request.Spec.Username);

            // 2. The operator approves; the controller-manager signs; the server starts listening.
            (await _testbed.KubectlAsync("certificate", "approve", csr.Groups[1].Value)).EnsureSuccess("kubectl certificate approve");
            var port = (await running.Server.WaitUntilListeningAsync(new CancellationTokenSource(Deadline).Token)).Port;
            await PointNodeAtAsync(port);

            // 3. Through the API server, which presents its kubelet-client certificate and verifies ours.
            var healthz = await _testbed.KubectlAsync("get", "--raw", $"/api/v1/nodes/{NodeName}/proxy/healthz");
            Assert.Equal("ok", healthz.EnsureSuccess("kubectl get --raw .../proxy/healthz").Stdout.Trim());
            var pods = await _testbed.KubectlAsync("get", "--raw", $"/api/v1/nodes/{NodeName}/proxy/pods");
            var list = KubernetesJson.Deserialize<V1PodList>(pods.EnsureSuccess("kubectl get --raw .../proxy/pods").Stdout);
            Assert.Equal("e2e-pod", Assert.Single(list.Items).Metadata.Name);

            // 4. Straight to the port: no credentials, then a user the cluster does not allow nodes/proxy.
            using (var anonymous = DirectClient(port, null))
            {
                var response = await anonymous.GetAsync(new Uri("/pods", UriKind.Relative));
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            }
            using (var stranger = IssueClientCertificate("e2e-no-proxy", "e2e-testers"))
            using (var client = DirectClient(port, stranger))
            {
                var response = await client.GetAsync(new Uri("/pods", UriKind.Relative));
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                Assert.Contains("user=e2e-no-proxy, verb=get, resource=nodes, subresource=proxy", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            using (var apiserverClient = X509Certificate2.CreateFromPemFile(Pki("apiserver-kubelet-client.crt"), Pki("apiserver-kubelet-client.key")))
            using (var client = DirectClient(port, apiserverClient))
            {
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/pods", UriKind.Relative))).StatusCode);
            }
        }

        // 5. A restart with the same directory serves the stored certificate at once and files no CSR.
        var csrsAfterFirstRun = await CsrNamesAsync();
        await using (var restarted = await StartAsync())
        {
            var port = (await restarted.Server.WaitUntilListeningAsync(new CancellationTokenSource(Deadline).Token)).Port;
            await PointNodeAtAsync(port);
            var healthz = await _testbed.KubectlAsync("get", "--raw", $"/api/v1/nodes/{NodeName}/proxy/healthz");
            Assert.Equal("ok", healthz.EnsureSuccess("kubectl get --raw .../proxy/healthz after restart").Stdout.Trim());
        }
        Assert.Equal(csrsAfterFirstRun, await CsrNamesAsync());
    }

    /// <summary>The server as vks runs it, with the node's credentials and a fresh certificate source on the same
    /// directory each time (as after a restart).</summary>
    private async Task<RunningServer> StartAsync()
    {
        var source = new CsrServingCertificateSource(
            new ServingCertificateTemplate(NodeName, [IPAddress.Loopback], [NodeName]),
            new ServingCertificateStore(_pkiDirectory),
            new KubernetesCertificateSigningRequests(_node),
            NullLogger<CsrServingCertificateSource>.Instance);
        var directory = new OnePodDirectory();
        var server = new KubeletServer(
            new KubeletServerOptions(
                0,
                services => services.AddSingleton<IKubeletPodDirectory>(directory),
                endpoints => endpoints.MapHealthz().MapPods()),
            source,
            new KubeletAuthenticator(ClientCertificateAuthenticator.FromBundleFile(Pki("ca.crt")), new KubernetesTokenReviewer(_node)),
            new KubeletAuthorizer(new KubernetesAccessReviewer(_node, NodeName)),
            NullLoggerFactory.Instance);
        await server.StartAsync(CancellationToken.None);
        return new RunningServer(server);
    }

    /// <summary>Where the API server finds the kubelet: the InternalIP and status.daemonEndpoints.kubeletEndpoint.</summary>
    private Task<V1Node> PointNodeAtAsync(int port) =>
        _admin.CoreV1.PatchNodeStatusAsync(
            new V1Patch(
                KubernetesJson.Serialize(new V1Node
                {
                    Status = new V1NodeStatus
                    {
                        Addresses = [new V1NodeAddress { Type = "InternalIP", Address = "127.0.0.1" }],
                        DaemonEndpoints = new V1NodeDaemonEndpoints { KubeletEndpoint = new V1DaemonEndpoint { Port = port } },
                    },
                }),
                V1Patch.PatchType.MergePatch),
            NodeName);

    /// <summary>A client that trusts only the cluster CA, so the serving certificate must chain to it.</summary>
    private HttpClient DirectClient(int port, X509Certificate2? clientCertificate)
    {
        using var ca = X509CertificateLoader.LoadCertificateFromFile(Pki("ca.crt"));
        var trusted = X509CertificateLoader.LoadCertificate(ca.RawData);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            // The chain only: the API server, going through the same port above, checked the IP SAN already.
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(trusted);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build((X509Certificate2)certificate!);
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }
        return new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}") };
    }

    /// <summary>A client certificate signed by the testbed CA (pki/ca.key), for a user no role binds.</summary>
    private X509Certificate2 IssueClientCertificate(string user, string group)
    {
        using var ca = X509Certificate2.CreateFromPemFile(Pki("ca.crt"), Pki("ca.key"));
        // RSA like the testbed CA: CertificateRequest.Create signs with the issuer's key type.
        using var key = RSA.Create(2048);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName(group);
        subject.AddCommonName(user);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        // A little in the past against clock skew, but never before the CA itself: a fresh testbed's CA is minutes old.
        var now = DateTimeOffset.UtcNow;
        var notBefore = new DateTimeOffset(ca.NotBefore.ToUniversalTime());
        using var issued = request.Create(ca, now.AddMinutes(-5) > notBefore ? now.AddMinutes(-5) : notBefore, now.AddHours(1), RandomNumberGenerator.GetBytes(12));
        return issued.CopyWithPrivateKey(key);
    }

    private async Task<HashSet<string>> CsrNamesAsync() =>
        [.. (await _admin.CertificatesV1.ListCertificateSigningRequestAsync()).Items.Select(c => c.Metadata.Name)];

    public async Task DisposeAsync()
    {
        try
        {
            await _admin.CoreV1.DeleteNodeAsync(NodeName);
            foreach (var name in (await CsrNamesAsync()).Except(_csrsBefore))
            {
                await _admin.CertificatesV1.DeleteCertificateSigningRequestAsync(name);
            }
        }
        finally
        {
            _admin.Dispose();
            _node.Dispose();
            Directory.Delete(_pkiDirectory, recursive: true);
        }
    }

    [GeneratedRegex(@"waiting for approval of CSR (csr-[a-z0-9]+)")]
    private static partial Regex CsrName();

    private sealed class OnePodDirectory : IKubeletPodDirectory
    {
        public Task<IReadOnlyList<V1Pod>> ListPodsAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<V1Pod>>(
                [new V1Pod { Metadata = new V1ObjectMeta { Name = "e2e-pod", NamespaceProperty = "default", Uid = "e2e-uid" } }]);
    }

    /// <summary>A started server, stopped on dispose as the host stops a hosted service.</summary>
    private sealed class RunningServer(KubeletServer server) : IAsyncDisposable
    {
        public KubeletServer Server { get; } = server;

        public async ValueTask DisposeAsync()
        {
            await Server.StopAsync(CancellationToken.None);
            Server.Dispose();
        }
    }
}
