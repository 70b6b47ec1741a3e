namespace Vks.Node.KubeletApi.Security;

/// <summary>Who made a request, as the API server knows users: what a SubjectAccessReview asks about.</summary>
/// <param name="Extra">Extra attributes a TokenReview returns (scopes, the service account's pod); empty for certificates.</param>
public sealed record KubeletUser(
    string Name,
    IReadOnlyList<string> Groups,
    string? Uid,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Extra)
{
    /// <summary>Every authenticated user is in this group (the API server adds it too), so RBAC bindings to
    /// system:authenticated apply to certificate users as they do to token users.</summary>
    public const string AuthenticatedGroup = "system:authenticated";

    /// <summary>The cache key: everything a decision about this user depends on, and nothing secret.</summary>
    public string Identity =>
        string.Join('\n', new[] { Name, Uid ?? "", string.Join('\u001f', Groups) }
            .Concat(Extra.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key + "=" + string.Join('\u001f', e.Value))));
}
