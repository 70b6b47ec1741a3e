// Child actor names from Kubernetes strings. Pod UIDs and container names are DNS-label-like, and then they are used
// as they are (readable paths in logs and the dump); anything else (all input is hostile) becomes a hash, so a name
// is always a valid, stable actor path element.
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Vks.Actors;

internal static partial class ActorNames
{
    public static string For(string prefix, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Readable().IsMatch(value)
            ? prefix + value
            : prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32];
    }

    [GeneratedRegex(@"\A[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Readable();
}
