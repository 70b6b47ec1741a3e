// Client certificates, verified against the CA bundle of --client-ca-file, as the kubelet's x509 authenticator does
// (and the API server, whose kubelet-client certificate is the usual caller): the chain must lead to one of those CAs
// (and only those: the system's trust store plays no part), be valid now, and allow client authentication. The user
// is the certificate's CN and the groups are its O values. The TLS handshake accepts any certificate (the kubelet asks
// for one without requiring it), so a request with an untrusted certificate gets a 401 here, not a broken handshake.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vks.Node.KubeletApi.Certificates;

namespace Vks.Node.KubeletApi.Security;

public sealed class ClientCertificateAuthenticator
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");
    private readonly TimeProvider _time;

    public ClientCertificateAuthenticator(X509Certificate2Collection authorities, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(authorities);
        Authorities = authorities;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The trusted CAs; the TLS handshake names them, so a client with several certificates picks one of ours.</summary>
    public X509Certificate2Collection Authorities { get; }

    /// <summary>Reads a PEM bundle of CA certificates (--client-ca-file); an empty or unreadable one fails the start.</summary>
    public static ClientCertificateAuthenticator FromBundleFile(string path, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(path);
        if (authorities.Count == 0)
        {
            throw new CryptographicException($"The client CA file '{path}' holds no certificate.");
        }
        return new ClientCertificateAuthenticator(authorities, time);
    }

    public AuthenticationResult Authenticate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        // The kubelet checks no revocation either; CRL fetching from a request path would be a way to stall it.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (!chain.Build(certificate))
        {
            var problems = chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct();
            return AuthenticationResult.Failed($"client certificate not trusted: {string.Join("; ", problems)}");
        }

        var (commonNames, organizations) = ServingCertificateTemplate.SubjectOf(certificate);
        if (commonNames is not [var name, ..] || name.Length == 0)
        {
            return AuthenticationResult.Failed("client certificate has no common name");
        }
        var groups = organizations.Contains(KubeletUser.AuthenticatedGroup) ? organizations : [.. organizations, KubeletUser.AuthenticatedGroup];
        return AuthenticationResult.Succeeded(new KubeletUser(name, groups, null, new Dictionary<string, IReadOnlyList<string>>()));
    }
}
