// A throwaway CA for the kubelet API tests: issues client and server certificates and signs CSRs the way the
// kubernetes.io/kubelet-serving signer does (the request's subject and SANs, the CA's chosen lifetime).
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Vks.Node.Tests.KubeletApi;

internal sealed class TestAuthority : IDisposable
{
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    public TestAuthority(string name = "vks-test-ca", DateTimeOffset? now = null)
    {
        var from = (now ?? DateTimeOffset.UtcNow).AddDays(-1);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Certificate = request.CreateSelfSigned(from, from.AddYears(10));
    }

    public X509Certificate2 Certificate { get; }

    public X509Certificate2Collection Bundle => [X509CertificateLoader.LoadCertificate(Certificate.RawData)];

    /// <summary>A client certificate with CN=<paramref name="user"/> and one O per group.</summary>
    public X509Certificate2 IssueClient(string user, IEnumerable<string> groups, DateTimeOffset? notBefore = null, TimeSpan? lifetime = null)
    {
        var subject = new X500DistinguishedNameBuilder();
        foreach (var group in groups)
        {
            subject.AddOrganizationName(group);
        }
        subject.AddCommonName(user);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ClientAuth)], false));
        return Issue(request, notBefore, lifetime).CopyWithPrivateKey(key);
    }

    /// <summary>A server certificate for 127.0.0.1 and localhost.</summary>
    public X509Certificate2 IssueServer(string commonName = "kubelet-test", DateTimeOffset? notBefore = null, TimeSpan? lifetime = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuth)], false));
        return Issue(request, notBefore, lifetime).CopyWithPrivateKey(key);
    }

    /// <summary>Signs a PKCS#10 request as a serving certificate, keeping its subject and SANs.</summary>
    public string SignRequestPem(string requestPem, DateTimeOffset notBefore, TimeSpan lifetime)
    {
        var request = CertificateRequest.LoadSigningRequestPem(
            requestPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuth)], false));
        using var issued = Issue(request, notBefore, lifetime);
        return issued.ExportCertificatePem();
    }

    private X509Certificate2 Issue(CertificateRequest request, DateTimeOffset? notBefore, TimeSpan? lifetime)
    {
        var from = notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-5);
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        return request.Create(Certificate, from, from + (lifetime ?? TimeSpan.FromDays(30)), serial);
    }

    public void Dispose() => Certificate.Dispose();
}
