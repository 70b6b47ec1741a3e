namespace Vks.Node.KubeletApi.Security;

/// <summary>Asks the API server who a bearer token belongs to (TokenReview). Throws when the API server cannot be
/// asked; a token it does not know is a failed result, not an exception.</summary>
public interface ITokenReviewer
{
    Task<AuthenticationResult> ReviewAsync(string token, CancellationToken cancellationToken);
}
