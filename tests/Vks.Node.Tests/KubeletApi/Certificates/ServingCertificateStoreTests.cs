using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vks.Node.KubeletApi.Certificates;

namespace Vks.Node.Tests.KubeletApi.Certificates;

public sealed class ServingCertificateStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vks-pki-test-").FullName;
    private readonly TestAuthority _authority = new();

    private string PkiDirectory => Path.Combine(_root, "pki");

    private (X509Certificate2 Certificate, ECDsa Key) Issue()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var template = new ServingCertificateTemplate("worker-1", [IPAddress.Loopback], []);
        var pem = _authority.SignRequestPem(template.CreateSigningRequestPem(key), DateTimeOffset.UtcNow, TimeSpan.FromDays(1));
        return (X509Certificate2.CreateFromPem(pem).CopyWithPrivateKey(key), key);
    }

    [Fact]
    public void A_saved_certificate_loads_back_with_its_key_and_only_root_can_read_it()
    {
        var store = new ServingCertificateStore(PkiDirectory);
        Assert.Null(store.LoadCurrent());
        var (certificate, key) = Issue();
        store.SaveCurrent(certificate, key);

        var loaded = store.LoadCurrent();
        Assert.NotNull(loaded);
        Assert.Equal(certificate.Thumbprint, loaded.Certificate.Thumbprint);
        Assert.True(loaded.Certificate.HasPrivateKey);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.CurrentPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(PkiDirectory));
        Assert.Equal([ServingCertificateStore.CurrentFileName], Directory.GetFiles(PkiDirectory).Select(Path.GetFileName));
    }

    [Fact]
    public void Saving_again_replaces_the_file_whole()
    {
        var store = new ServingCertificateStore(PkiDirectory);
        var (first, firstKey) = Issue();
        var (second, secondKey) = Issue();
        store.SaveCurrent(first, firstKey);
        store.SaveCurrent(second, secondKey);
        Assert.Equal(second.Thumbprint, store.LoadCurrent()!.Certificate.Thumbprint);
        Assert.Single(Directory.GetFiles(PkiDirectory)); // no temporary left behind
    }

    [Fact]
    public void An_existing_loose_directory_is_tightened()
    {
        Directory.CreateDirectory(PkiDirectory);
        File.SetUnixFileMode(PkiDirectory, (UnixFileMode)0b111_101_101);
        var (certificate, key) = Issue();
        new ServingCertificateStore(PkiDirectory).SaveCurrent(certificate, key);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(PkiDirectory));
    }

    [Fact]
    public void A_broken_certificate_file_reads_as_none()
    {
        var store = new ServingCertificateStore(PkiDirectory);
        Directory.CreateDirectory(PkiDirectory);
        File.WriteAllText(store.CurrentPath, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        Assert.Null(store.LoadCurrent());
    }

    [Fact]
    public void A_certificate_file_whose_key_is_not_the_certificates_reads_as_none()
    {
        var store = new ServingCertificateStore(PkiDirectory);
        var (certificate, _) = Issue();
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Directory.CreateDirectory(PkiDirectory);
        File.WriteAllText(store.CurrentPath, otherKey.ExportPkcs8PrivateKeyPem() + "\n" + certificate.ExportCertificatePem() + "\n");
        Assert.Null(store.LoadCurrent());
    }

    [Fact]
    public void A_pending_request_round_trips_with_its_key()
    {
        var store = new ServingCertificateStore(PkiDirectory);
        Assert.Null(store.LoadPending());
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        store.SavePending("csr-abc12", key);

        var pending = store.LoadPending();
        Assert.NotNull(pending);
        Assert.Equal("csr-abc12", pending.Name);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), pending.Key.ExportSubjectPublicKeyInfo());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.PendingPath));

        store.DeletePending();
        Assert.Null(store.LoadPending());
    }

    [Theory]
    [InlineData("csr: ../../etc/passwd")]
    [InlineData("csr: a b")]
    [InlineData("csr: ")]
    [InlineData("name: csr-abc")]
    [InlineData("")]
    public void A_pending_file_with_a_bad_name_reads_as_none(string firstLine)
    {
        var store = new ServingCertificateStore(PkiDirectory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Directory.CreateDirectory(PkiDirectory);
        File.WriteAllText(store.PendingPath, firstLine + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n");
        Assert.Null(store.LoadPending());
    }

    [Fact]
    public void A_pending_name_that_is_no_object_name_is_not_saved()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Throws<ArgumentException>(() => new ServingCertificateStore(PkiDirectory).SavePending("Bad/Name", key));
    }

    public void Dispose()
    {
        _authority.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
