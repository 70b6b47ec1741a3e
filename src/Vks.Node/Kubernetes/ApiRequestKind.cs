// What an API request is, from its query: a watch or a followed log streams its body for as long as it lasts.
namespace Vks.Node.Kubernetes;

internal static class ApiRequestKind
{
    public static bool IsWatch(Uri? uri) => HasTrueParameter(uri, "watch");

    /// <summary>A watch or a followed log (a body that does not end by itself).</summary>
    public static bool IsStream(Uri? uri) => IsWatch(uri) || HasTrueParameter(uri, "follow");

    private static bool HasTrueParameter(Uri? uri, string name)
    {
        if (uri is null || !uri.IsAbsoluteUri)
        {
            return false;
        }

        // On every request vks sends, so without allocating a string per parameter.
        var query = uri.Query.AsSpan().TrimStart('?');
        foreach (var range in query.Split('&'))
        {
            var parameter = query[range];
            var separator = parameter.IndexOf('=');
            if (separator > 0 && parameter[..separator].SequenceEqual(name) && parameter[(separator + 1)..] is "true" or "1")
            {
                return true;
            }
        }

        return false;
    }
}
