// What the kubelet serving certificate of this node must say, as the kubernetes.io/kubelet-serving signer wants it:
// CN=system:node:<node>, O=system:nodes (exactly that one organization), at least one DNS or IP SAN and nothing else
// in the SAN (no e-mail, no URI). The SANs are the node's addresses: the API server dials the node by the address type
// it prefers (--kubelet-preferred-address-types) and checks the certificate against that name, so every address the
// Node reports must be in it. A stored certificate whose subject or SANs differ (the node's IP changed) is not reused.
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Vks.Node.KubeletApi.Certificates;

public sealed class ServingCertificateTemplate
{
    public const string NodesGroup = "system:nodes";
    public const string NodeUserPrefix = "system:node:";
    private const string CommonNameOid = "2.5.4.3";
    private const string OrganizationOid = "2.5.4.10";
    private const string SubjectAltNameOid = "2.5.29.17";

    public ServingCertificateTemplate(string nodeName, IEnumerable<IPAddress> ipAddresses, IEnumerable<string> dnsNames)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        ArgumentNullException.ThrowIfNull(ipAddresses);
        ArgumentNullException.ThrowIfNull(dnsNames);
        NodeName = nodeName;
        IpAddresses = ipAddresses.Distinct().OrderBy(ip => ip.ToString(), StringComparer.Ordinal).ToArray();
        DnsNames = dnsNames.Select(n => n.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (IpAddresses.Count == 0 && DnsNames.Count == 0)
        {
            throw new ArgumentException("A kubelet serving certificate needs at least one IP address or DNS name.", nameof(ipAddresses));
        }
    }

    public string NodeName { get; }

    public string CommonName => NodeUserPrefix + NodeName;

    public IReadOnlyList<IPAddress> IpAddresses { get; }

    public IReadOnlyList<string> DnsNames { get; }

    /// <summary>A PKCS#10 request (PEM) for this template, signed with <paramref name="key"/>.</summary>
    public string CreateSigningRequestPem(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName(NodesGroup);
        subject.AddCommonName(CommonName);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var dns in DnsNames)
        {
            names.AddDnsName(dns);
        }
        foreach (var ip in IpAddresses)
        {
            names.AddIpAddress(ip);
        }
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSigningRequestPem();
    }

    /// <summary>Whether <paramref name="certificate"/> names exactly this node and exactly these addresses.</summary>
    public bool Matches(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var (commonNames, organizations) = SubjectOf(certificate);
        if (commonNames is not [var cn] || cn != CommonName || organizations is not [NodesGroup])
        {
            return false;
        }

        var sanExtension = certificate.Extensions[SubjectAltNameOid];
        if (sanExtension is null)
        {
            return false;
        }
        var san = new X509SubjectAlternativeNameExtension(sanExtension.RawData, sanExtension.Critical);
        var ips = san.EnumerateIPAddresses().Distinct().OrderBy(ip => ip.ToString(), StringComparer.Ordinal);
        var dns = san.EnumerateDnsNames().Select(n => n.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal);
        return ips.SequenceEqual(IpAddresses) && dns.SequenceEqual(DnsNames);
    }

    /// <summary>Every CN and every O of a certificate's subject, in order (a subject may carry several of each).</summary>
    public static (IReadOnlyList<string> CommonNames, IReadOnlyList<string> Organizations) SubjectOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var commonNames = new List<string>();
        var organizations = new List<string>();
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements)
            {
                continue; // multi-valued RDNs (CN=a+O=b) are not something a signer issues; never read them as identity
            }
            var value = rdn.GetSingleElementValue();
            switch (rdn.GetSingleElementType().Value)
            {
                case CommonNameOid when value is not null:
                    commonNames.Add(value);
                    break;
                case OrganizationOid when value is not null:
                    organizations.Add(value);
                    break;
            }
        }
        return (commonNames, organizations);
    }
}
