// vks reads its kubeconfig without KubernetesYaml (memory; see KubeconfigFile). These tests hold it to the library's
// own reader: the same file gives the same client configuration, and what the reader rejects is rejected clearly.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Exceptions;
using Vks.Node.Kubernetes;

namespace Vks.Node.Tests.Kubernetes;

public sealed class KubeconfigFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("vks-kubeconfig-").FullName;
    private readonly string _caPem;
    private readonly string _clientPem;
    private readonly string _clientKeyPem;

    public KubeconfigFileTests()
    {
        _caPem = SelfSigned("CN=test-ca", out _);
        _clientPem = SelfSigned("CN=system:node:n1, O=system:nodes", out _clientKeyPem);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Embedded_certificates_read_as_the_librarys_reader_reads_them()
    {
        var path = Write("kubeconfig", $$"""
            apiVersion: v1
            kind: Config
            current-context: node
            clusters:
            - name: farm
              cluster:
                server: https://10.0.0.1:6443
                certificate-authority-data: {{Base64(_caPem)}}
            users:
            - name: node
              user:
                client-certificate-data: {{Base64(_clientPem)}}
                client-key-data: {{Base64(_clientKeyPem)}}
            contexts:
            - name: other
              context: { cluster: farm, user: node, namespace: elsewhere }
            - name: node
              context: { cluster: farm, user: node, namespace: kube-system }
            preferences: {}
            some-future-field: ignored
            """);

        var config = KubeconfigFile.Load(path);

        AssertSameAsLibrary(path, config);
        Assert.Equal("https://10.0.0.1:6443", config.Host);
        Assert.Equal("node", config.CurrentContext);
        Assert.Equal("kube-system", config.Namespace);
        Assert.Equal(Base64(_clientPem), config.ClientCertificateData);
        Assert.Equal(Thumbprint(_caPem), Assert.Single(config.SslCaCerts!).Thumbprint);
    }

    [Fact]
    public void Relative_certificate_paths_are_relative_to_the_kubeconfigs_directory()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "pki"));
        File.WriteAllText(Path.Combine(_directory, "pki", "ca.crt"), _caPem);
        File.WriteAllText(Path.Combine(_directory, "pki", "node.crt"), _clientPem);
        File.WriteAllText(Path.Combine(_directory, "pki", "node.key"), _clientKeyPem);
        var path = Write("kubeconfig", """
            apiVersion: v1
            kind: Config
            current-context: node
            clusters:
            - name: farm
              cluster: { server: "https://api.farm:6443", certificate-authority: pki/ca.crt }
            users:
            - name: node
              user: { client-certificate: pki/node.crt, client-key: pki/node.key }
            contexts:
            - name: node
              context: { cluster: farm, user: node }
            """);

        var config = KubeconfigFile.Load(path);

        AssertSameAsLibrary(path, config);
        Assert.Equal(Path.Combine(_directory, "pki", "node.crt"), config.ClientCertificateFilePath);
        Assert.Equal(Path.Combine(_directory, "pki", "node.key"), config.ClientKeyFilePath);
        Assert.Equal(Thumbprint(_caPem), Assert.Single(config.SslCaCerts!).Thumbprint);
    }

    [Fact]
    public void A_token_user_and_an_insecure_cluster_read_as_the_librarys_reader_reads_them()
    {
        var path = Write("kubeconfig", """
            apiVersion: v1
            kind: Config
            current-context: admin
            clusters:
            - name: lab
              cluster: { server: "https://0.0.0.0:6443", insecure-skip-tls-verify: true }
            users:
            - name: admin
              user: { token: "s3cr3t" }
            contexts:
            - name: admin
              context: { cluster: lab, user: admin }
            """);

        var config = KubeconfigFile.Load(path);

        AssertSameAsLibrary(path, config);
        Assert.Equal("s3cr3t", config.AccessToken);
        Assert.True(config.SkipTlsVerify);
        Assert.StartsWith("https://127.0.0.1:6443", config.Host, StringComparison.Ordinal);
    }

    [Fact]
    public void Basic_auth_and_a_tls_server_name_read_as_the_librarys_reader_reads_them()
    {
        var path = Write("kubeconfig", $$"""
            apiVersion: v1
            kind: Config
            current-context: lab
            clusters:
            - name: lab
              cluster:
                server: https://10.0.0.1:6443
                tls-server-name: api.lab
                certificate-authority-data: {{Base64(_caPem)}}
                extensions:
                - name: client.authentication.k8s.io/exec
                  extension: { audience: farm }
            users:
            - name: lab
              user: { username: admin, password: "p:ss", as: someone, as-groups: [ops] }
            contexts:
            - name: lab
              context: { cluster: lab, user: lab }
            """);

        var config = KubeconfigFile.Load(path);

        AssertSameAsLibrary(path, config);
        Assert.Equal("api.lab", config.TlsServerName);
        Assert.Equal("admin", config.Username);
        Assert.Equal("p:ss", config.Password);
    }

    [Fact]
    public void A_document_that_is_not_a_mapping_is_not_a_kubeconfig() =>
        Assert.Contains(
            "is not a kubeconfig",
            Assert.Throws<KubeConfigException>(() => KubeconfigFile.Load(Write("list", "- a\n- b\n"))).Message,
            StringComparison.Ordinal);

    [Fact]
    public void A_flag_that_is_not_a_boolean_is_rejected_by_name()
    {
        var path = Write("kubeconfig", """
            current-context: lab
            clusters:
            - name: lab
              cluster: { server: "https://10.0.0.1:6443", insecure-skip-tls-verify: sometimes }
            users: [ { name: lab, user: { token: t } } ]
            contexts: [ { name: lab, context: { cluster: lab, user: lab } } ]
            """);

        Assert.Contains("insecure-skip-tls-verify", Assert.Throws<KubeConfigException>(() => KubeconfigFile.Load(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_named_in_the_error() =>
        Assert.Contains(
            Path.Combine(_directory, "absent"),
            Assert.Throws<KubeConfigException>(() => KubeconfigFile.Load(Path.Combine(_directory, "absent"))).Message,
            StringComparison.Ordinal);

    [Fact]
    public void An_empty_file_is_rejected_as_empty() =>
        Assert.Contains("is empty", Assert.Throws<KubeConfigException>(() => KubeconfigFile.Load(Write("empty", ""))).Message, StringComparison.Ordinal);

    [Fact]
    public void A_file_that_is_not_yaml_is_rejected_as_such() =>
        Assert.Contains(
            "is not valid YAML",
            Assert.Throws<KubeConfigException>(() => KubeconfigFile.Load(Write("broken", "clusters: [ {name: farm"))).Message,
            StringComparison.Ordinal);

    [Fact]
    public void A_current_context_that_is_not_defined_is_rejected()
    {
        var path = Write("kubeconfig", """
            apiVersion: v1
            kind: Config
            current-context: gone
            clusters: []
            users: []
            contexts: []
            """);

        Assert.Contains("gone", Assert.Throws<KubeConfigException>(() => KubeconfigFile.Load(path)).Message, StringComparison.Ordinal);
    }

    private static void AssertSameAsLibrary(string path, KubernetesClientConfiguration config)
    {
        var library = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
        Assert.Equal(library.Host, config.Host);
        Assert.Equal(library.CurrentContext, config.CurrentContext);
        Assert.Equal(library.Namespace, config.Namespace);
        Assert.Equal(library.SkipTlsVerify, config.SkipTlsVerify);
        Assert.Equal(library.TlsServerName, config.TlsServerName);
        Assert.Equal(library.Username, config.Username);
        Assert.Equal(library.Password, config.Password);
        Assert.Equal(library.AccessToken, config.AccessToken);
        Assert.Equal(library.ClientCertificateData, config.ClientCertificateData);
        Assert.Equal(library.ClientCertificateKeyData, config.ClientCertificateKeyData);
        Assert.Equal(library.ClientCertificateFilePath, config.ClientCertificateFilePath);
        Assert.Equal(library.ClientKeyFilePath, config.ClientKeyFilePath);
        Assert.Equal(
            library.SslCaCerts?.Select(c => c.Thumbprint) ?? [],
            config.SslCaCerts?.Select(c => c.Thumbprint) ?? []);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Base64(string pem) => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(pem));

    private static string Thumbprint(string pem) => X509Certificate2.CreateFromPem(pem).Thumbprint;

    private static string SelfSigned(string subject, out string keyPem)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        keyPem = key.ExportPkcs8PrivateKeyPem();
        return certificate.ExportCertificatePem();
    }
}
