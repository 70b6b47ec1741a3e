using Vks.Node.KubeletApi.Security;

namespace Vks.Node.Tests.KubeletApi.Security;

/// <summary>A TokenReview that knows a fixed set of tokens; counts the reviews it was asked for.</summary>
internal sealed class FakeTokenReviewer : ITokenReviewer
{
    public Dictionary<string, KubeletUser> Tokens { get; } = [];

    public Exception? Failure { get; set; }

    public int Reviews { get; private set; }

    public Task<AuthenticationResult> ReviewAsync(string token, CancellationToken cancellationToken)
    {
        Reviews++;
        if (Failure is not null)
        {
            return Task.FromException<AuthenticationResult>(Failure);
        }
        return Task.FromResult(Tokens.TryGetValue(token, out var user)
            ? AuthenticationResult.Succeeded(user)
            : AuthenticationResult.Failed("token rejected"));
    }

    public static KubeletUser User(string name, params string[] groups) =>
        new(name, [.. groups, KubeletUser.AuthenticatedGroup], null, new Dictionary<string, IReadOnlyList<string>>());
}

/// <summary>A SubjectAccessReview that allows exactly the (user, verb, subresource) triples it is given; it records
/// every review asked.</summary>
internal sealed class FakeAccessReviewer : IAccessReviewer
{
    public HashSet<(string User, string Verb, string Subresource)> Allowed { get; } = [];

    public List<(KubeletUser User, KubeletRequestAttributes Attributes)> Asked { get; } = [];

    public Exception? Failure { get; set; }

    public Task<AuthorizationDecision> ReviewAsync(KubeletUser user, KubeletRequestAttributes attributes, CancellationToken cancellationToken)
    {
        Asked.Add((user, attributes));
        if (Failure is not null)
        {
            return Task.FromException<AuthorizationDecision>(Failure);
        }
        return Task.FromResult(Allowed.Contains((user.Name, attributes.Verb, attributes.Subresource))
            ? new AuthorizationDecision(true, "RBAC: allowed by test")
            : new AuthorizationDecision(false, "no RBAC policy matched"));
    }
}
