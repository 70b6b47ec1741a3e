namespace Vks.Node.KubeletApi.Security;

/// <summary>Asks the API server whether a user may act on this node (SubjectAccessReview). Throws when the API server
/// cannot be asked.</summary>
public interface IAccessReviewer
{
    Task<AuthorizationDecision> ReviewAsync(KubeletUser user, KubeletRequestAttributes attributes, CancellationToken cancellationToken);
}
