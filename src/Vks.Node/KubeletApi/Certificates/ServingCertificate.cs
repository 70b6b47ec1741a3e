// A serving certificate with its private key, plus the intermediate CA certificates to send along (an operator's
// --tls-cert-file may hold a chain; an issued CSR gives just the leaf). RenewalDueAt is when a fresh CSR goes out:
// at 70% of the lifetime, like the low end of client-go's 70–90% window, so the operator (serving CSRs are approved
// by hand) has the last 30% to approve it before the old one expires, and the renewal is normally done before 80%.
using System.Security.Cryptography.X509Certificates;

namespace Vks.Node.KubeletApi.Certificates;

public sealed record ServingCertificate(X509Certificate2 Certificate, X509Certificate2Collection Intermediates)
{
    public const double RenewalFraction = 0.7;

    public DateTimeOffset NotBefore => new(Certificate.NotBefore.ToUniversalTime());

    public DateTimeOffset NotAfter => new(Certificate.NotAfter.ToUniversalTime());

    public DateTimeOffset RenewalDueAt => NotBefore + (NotAfter - NotBefore) * RenewalFraction;

    public bool IsExpired(DateTimeOffset now) => now >= NotAfter;

    public bool IsRenewalDue(DateTimeOffset now) => now >= RenewalDueAt;

    public string Describe() =>
        $"{Certificate.Subject}, serial {Certificate.SerialNumber}, valid {NotBefore:u} to {NotAfter:u}";
}
