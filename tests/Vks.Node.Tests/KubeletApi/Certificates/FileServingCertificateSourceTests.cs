using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vks.Node.KubeletApi.Certificates;

namespace Vks.Node.Tests.KubeletApi.Certificates;

public sealed class FileServingCertificateSourceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vks-tls-files-test-").FullName;
    private readonly TestAuthority _authority = new();

    [Fact]
    public async Task The_operators_pair_is_served_at_once_with_the_chain_after_the_leaf_and_the_source_runs_until_cancelled()
    {
        using var leaf = _authority.IssueServer("kubelet-files");
        var certificateFile = Path.Combine(_root, "tls.crt");
        var keyFile = Path.Combine(_root, "tls.key");
        // The bundle carries an intermediate after the leaf (the test CA stands in for one).
        File.WriteAllText(certificateFile, leaf.ExportCertificatePem() + "\n" + _authority.Certificate.ExportCertificatePem() + "\n");
        using (var key = leaf.GetECDsaPrivateKey()!)
        {
            File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        }

        var source = new FileServingCertificateSource(certificateFile, keyFile);
        await source.WaitForCertificateAsync(CancellationToken.None);
        Assert.Equal(leaf.Thumbprint, source.Current!.Certificate.Thumbprint);
        Assert.True(source.Current.Certificate.HasPrivateKey);
        Assert.Equal(_authority.Certificate.Thumbprint, Assert.Single(source.Current.Intermediates).Thumbprint);
        Assert.Contains(certificateFile, source.Status, StringComparison.Ordinal);

        using var stop = new CancellationTokenSource();
        var run = source.RunAsync(stop.Token);
        Assert.False(run.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public void A_key_that_does_not_belong_to_the_certificate_fails_the_start()
    {
        using var leaf = _authority.IssueServer();
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var certificateFile = Path.Combine(_root, "tls.crt");
        var keyFile = Path.Combine(_root, "tls.key");
        File.WriteAllText(certificateFile, leaf.ExportCertificatePem());
        File.WriteAllText(keyFile, otherKey.ExportPkcs8PrivateKeyPem());
        Assert.ThrowsAny<ArgumentException>(() => new FileServingCertificateSource(certificateFile, keyFile));
    }

    public void Dispose()
    {
        _authority.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
