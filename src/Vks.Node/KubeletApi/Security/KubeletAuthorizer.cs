// May this user do this to this node? A SubjectAccessReview per distinct (user, verb, subresource), as the kubelet's
// webhook authorization mode asks it, with the answers cached briefly: allowed ones longer than denied ones, so a
// freshly granted permission works within seconds.
namespace Vks.Node.KubeletApi.Security;

public sealed class KubeletAuthorizer
{
    public static readonly TimeSpan DefaultAllowedTtl = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultDeniedTtl = TimeSpan.FromSeconds(10);
    public const int DefaultCacheCapacity = 1024;

    private readonly IAccessReviewer _reviewer;
    private readonly DecisionCache<string, AuthorizationDecision> _cache;
    private readonly TimeSpan _allowedTtl;
    private readonly TimeSpan _deniedTtl;

    public KubeletAuthorizer(
        IAccessReviewer reviewer,
        TimeProvider? time = null,
        TimeSpan? allowedTtl = null,
        TimeSpan? deniedTtl = null,
        int cacheCapacity = DefaultCacheCapacity)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        _reviewer = reviewer;
        _cache = new DecisionCache<string, AuthorizationDecision>(cacheCapacity, time ?? TimeProvider.System);
        _allowedTtl = allowedTtl ?? DefaultAllowedTtl;
        _deniedTtl = deniedTtl ?? DefaultDeniedTtl;
    }

    internal int CachedDecisions => _cache.Count;

    /// <summary>Throws when the SubjectAccessReview could not be made (the API server is away).</summary>
    public Task<AuthorizationDecision> AuthorizeAsync(KubeletUser user, KubeletRequestAttributes attributes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(attributes);
        return _cache.GetOrAddAsync(
            $"{user.Identity}\n{attributes.Verb}\n{attributes.Subresource}",
            () => _reviewer.ReviewAsync(user, attributes, CancellationToken.None),
            decision => decision.Allowed ? _allowedTtl : _deniedTtl,
            cancellationToken);
    }
}
