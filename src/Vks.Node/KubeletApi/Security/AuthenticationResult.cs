namespace Vks.Node.KubeletApi.Security;

/// <summary>Who the caller is, or why they could not be told apart from anyone.</summary>
public sealed record AuthenticationResult(KubeletUser? User, string? Failure)
{
    public bool IsAuthenticated => User is not null;

    public static AuthenticationResult Succeeded(KubeletUser user) => new(user, null);

    public static AuthenticationResult Failed(string reason) => new(null, reason);
}

/// <summary>Whether the caller may do what they asked; the reason comes from the authorizer (an RBAC binding's name).</summary>
public sealed record AuthorizationDecision(bool Allowed, string Reason);
