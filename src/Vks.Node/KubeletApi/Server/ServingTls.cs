// The TLS settings of each new connection, made at its handshake from the certificate source's current certificate:
// a renewed certificate is served from the next connection on, without a restart. The handshake asks for a client
// certificate without requiring one (bearer-token callers have none), accepts whatever comes (it is verified per
// request, so a bad one is a 401 with a reason, not a broken handshake), and names the client CAs, so a client with
// several certificates (the API server's kubelet client, kubectl) offers the one we trust: Go clients send nothing
// when the server names CAs and none of theirs match.
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Vks.Node.KubeletApi.Certificates;

namespace Vks.Node.KubeletApi.Server;

internal sealed class ServingTls
{
    private readonly IServingCertificateSource _certificates;
    private readonly X509Certificate2Collection _clientAuthorities;
    private readonly SslCertificateTrust? _clientTrust;
    private volatile CachedContext? _cached;

    public ServingTls(IServingCertificateSource certificates, X509Certificate2Collection clientAuthorities)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        ArgumentNullException.ThrowIfNull(clientAuthorities);
        _certificates = certificates;
        _clientAuthorities = clientAuthorities;
        _clientTrust = clientAuthorities.Count > 0 ? SslCertificateTrust.CreateForX509Collection(clientAuthorities, sendTrustInHandshake: true) : null;
    }

    public SslServerAuthenticationOptions OptionsForNewConnection()
    {
        var current = _certificates.Current
            ?? throw new InvalidOperationException("The kubelet API has no serving certificate yet; it must not be listening.");
        var cached = _cached;
        if (cached is null || !ReferenceEquals(cached.Certificate, current))
        {
            // Built once per certificate: the context holds the chain, which is costly to build per connection.
            cached = new CachedContext(current, SslStreamCertificateContext.Create(
                current.Certificate, current.Intermediates, offline: true, trust: _clientTrust));
            _cached = cached;
        }

        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = cached.Context,
            ClientCertificateRequired = _clientAuthorities.Count > 0,
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
        };
    }

    private sealed record CachedContext(ServingCertificate Certificate, SslStreamCertificateContext Context);
}
