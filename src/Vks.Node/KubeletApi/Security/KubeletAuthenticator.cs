// Who is calling, as the kubelet's authentication with --client-ca-file and webhook token authentication decides it:
// a client certificate that chains to the client CA, else a bearer token the API server's TokenReview accepts, else
// nobody (anonymous requests are refused; vks has no anonymous mode). Token answers are cached (see DecisionCache) by
// the token's SHA-256, so the cache never holds a usable secret.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Vks.Node.KubeletApi.Security;

public sealed class KubeletAuthenticator
{
    public static readonly TimeSpan DefaultAuthenticatedTtl = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultRejectedTtl = TimeSpan.FromSeconds(10);
    public const int DefaultCacheCapacity = 1024;

    private readonly ClientCertificateAuthenticator? _certificates;
    private readonly ITokenReviewer _tokens;
    private readonly DecisionCache<string, AuthenticationResult> _cache;
    private readonly TimeSpan _authenticatedTtl;
    private readonly TimeSpan _rejectedTtl;

    /// <param name="certificates">Null without --client-ca-file: client certificates are then not accepted.</param>
    public KubeletAuthenticator(
        ClientCertificateAuthenticator? certificates,
        ITokenReviewer tokens,
        TimeProvider? time = null,
        TimeSpan? authenticatedTtl = null,
        TimeSpan? rejectedTtl = null,
        int cacheCapacity = DefaultCacheCapacity)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _certificates = certificates;
        _tokens = tokens;
        _cache = new DecisionCache<string, AuthenticationResult>(cacheCapacity, time ?? TimeProvider.System);
        _authenticatedTtl = authenticatedTtl ?? DefaultAuthenticatedTtl;
        _rejectedTtl = rejectedTtl ?? DefaultRejectedTtl;
    }

    /// <summary>The CAs client certificates must chain to; empty when none are accepted.</summary>
    public X509Certificate2Collection ClientCertificateAuthorities => _certificates?.Authorities ?? [];

    internal int CachedTokens => _cache.Count;

    /// <summary>The caller, from its TLS client certificate and its Authorization header. Throws when a TokenReview
    /// could not be made (the API server is away).</summary>
    public async Task<AuthenticationResult> AuthenticateAsync(
        X509Certificate2? clientCertificate, string? authorizationHeader, CancellationToken cancellationToken)
    {
        AuthenticationResult? certificateResult = null;
        if (clientCertificate is not null)
        {
            certificateResult = _certificates?.Authenticate(clientCertificate)
                ?? AuthenticationResult.Failed("client certificates are not accepted (no client CA configured)");
            if (certificateResult.IsAuthenticated)
            {
                return certificateResult;
            }
        }

        if (BearerToken(authorizationHeader) is { } token)
        {
            var tokenResult = await _cache.GetOrAddAsync(
                Hash(token),
                () => _tokens.ReviewAsync(token, CancellationToken.None),
                result => result.IsAuthenticated ? _authenticatedTtl : _rejectedTtl,
                cancellationToken).ConfigureAwait(false);
            // A valid token wins over a bad certificate, as in the kubelet's union of authenticators.
            if (tokenResult.IsAuthenticated || certificateResult is null)
            {
                return tokenResult;
            }
        }

        return certificateResult ?? AuthenticationResult.Failed("no client certificate and no bearer token");
    }

    /// <summary>The token of "Authorization: Bearer &lt;token&gt;" (scheme in any case), as the kubelet reads it.</summary>
    internal static string? BearerToken(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }
        var parts = header.Trim().Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && parts[0].Equals("Bearer", StringComparison.OrdinalIgnoreCase) ? parts[1] : null;
    }

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
