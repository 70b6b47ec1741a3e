// What a request to the kubelet API is, in the words of the API's authorization: the kubelet's webhook mode turns
// every request into a check of "verb on nodes/<subresource> named <node>" (pkg/kubelet/server/auth.go):
// - the verb comes from the HTTP method: POST create, GET get, PUT update, PATCH patch, DELETE delete. HEAD is a GET
//   without the body, so it is get here (the kubelet leaves its verb empty, which no role grants);
// - the subresource from the path: /stats/* stats, /metrics and /metrics/* metrics, /logs/* log, /spec/* spec
//   (kubelets up to 1.19 had /spec), everything else proxy. /containerLogs is proxy, as in the kubelet: only /logs
//   (the node's log files) is "log". A path is under a prefix when it equals it or continues with '/'.
namespace Vks.Node.KubeletApi.Security;

public sealed record KubeletRequestAttributes(string Verb, string Subresource)
{
    public const string Resource = "nodes";

    private static readonly (string Prefix, string Subresource)[] Subresources =
    [
        ("/stats", "stats"),
        ("/metrics", "metrics"),
        ("/logs", "log"),
        ("/spec", "spec"),
    ];

    /// <summary>The attributes of a request, or null when its method has no API verb (OPTIONS, TRACE, ...).</summary>
    public static KubeletRequestAttributes? Of(string method, string path)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        var verb = method.ToUpperInvariant() switch
        {
            "GET" or "HEAD" => "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => "delete",
            _ => null,
        };
        if (verb is null)
        {
            return null;
        }

        var subresource = "proxy";
        foreach (var (prefix, name) in Subresources)
        {
            if (IsUnder(path, prefix))
            {
                subresource = name;
                break;
            }
        }
        return new KubeletRequestAttributes(verb, subresource);
    }

    public string Describe(string user) => $"user={user}, verb={Verb}, resource={Resource}, subresource={Subresource}";

    private static bool IsUnder(string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.Ordinal) && (path.Length == prefix.Length || path[prefix.Length] == '/');
}
