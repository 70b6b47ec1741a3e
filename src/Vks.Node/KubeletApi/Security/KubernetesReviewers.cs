// TokenReview and SubjectAccessReview with the node's own credentials. Both are "create" on
// authentication.k8s.io/tokenreviews and authorization.k8s.io/subjectaccessreviews, which the Node authorizer grants
// every system:node:<name> (its NodeRules, the same the system:node ClusterRole lists), so a cluster needs no extra
// binding for vks, as for the kubelet.
using k8s;
using k8s.Models;

namespace Vks.Node.KubeletApi.Security;

public sealed class KubernetesTokenReviewer : ITokenReviewer
{
    private readonly IKubernetes _client;

    public KubernetesTokenReviewer(IKubernetes client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    public async Task<AuthenticationResult> ReviewAsync(string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var review = await _client.AuthenticationV1.CreateTokenReviewAsync(
            new V1TokenReview
            {
                ApiVersion = "authentication.k8s.io/v1",
                Kind = "TokenReview",
                Spec = new V1TokenReviewSpec { Token = token },
            },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var status = review.Status;
        if (status?.Authenticated != true || status.User?.Username is not { Length: > 0 } name)
        {
            return AuthenticationResult.Failed(status?.Error is { Length: > 0 } error ? $"token rejected: {error}" : "token rejected");
        }

        var extra = (status.User.Extra ?? new Dictionary<string, IList<string>>())
            .ToDictionary(e => e.Key, e => (IReadOnlyList<string>)[.. e.Value ?? []]);
        return AuthenticationResult.Succeeded(new KubeletUser(name, [.. status.User.Groups ?? []], status.User.Uid, extra));
    }
}

public sealed class KubernetesAccessReviewer : IAccessReviewer
{
    private readonly IKubernetes _client;
    private readonly string _nodeName;

    public KubernetesAccessReviewer(IKubernetes client, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        _client = client;
        _nodeName = nodeName;
    }

    public async Task<AuthorizationDecision> ReviewAsync(KubeletUser user, KubeletRequestAttributes attributes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(attributes);
        var review = await _client.AuthorizationV1.CreateSubjectAccessReviewAsync(
            new V1SubjectAccessReview
            {
                ApiVersion = "authorization.k8s.io/v1",
                Kind = "SubjectAccessReview",
                Spec = new V1SubjectAccessReviewSpec
                {
                    User = user.Name,
                    Groups = [.. user.Groups],
                    Uid = user.Uid,
                    Extra = user.Extra.ToDictionary(e => e.Key, e => (IList<string>)[.. e.Value]),
                    ResourceAttributes = new V1ResourceAttributes
                    {
                        Verb = attributes.Verb,
                        Group = "",
                        Version = "v1",
                        Resource = KubeletRequestAttributes.Resource,
                        Subresource = attributes.Subresource,
                        Name = _nodeName,
                    },
                },
            },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var status = review.Status;
        var reason = string.Join("; ", new[] { status?.Reason, status?.EvaluationError }.Where(s => !string.IsNullOrEmpty(s)));
        return new AuthorizationDecision(status?.Allowed == true && status.Denied != true, reason);
    }
}
