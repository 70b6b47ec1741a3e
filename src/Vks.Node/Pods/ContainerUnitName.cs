// The systemd unit name of a container: vks.<namespace>.<pod>.<container>.service, each part escaped with
// systemd-escape's rules. The name only has to be unique, stable and recognisably vks'; identity is never read
// back out of it (pod names contain dots, and long names are shortened), it lives in [X-Kubernetes].
using System.Security.Cryptography;
using System.Text;
using Vks.Systemd.Units;

namespace Vks.Node.Pods;

public static class ContainerUnitName
{
    public const string Prefix = "vks.";
    public const string Suffix = ".service";

    // systemd's limit on a unit name (UNIT_NAME_MAX is 256 with the terminating NUL).
    private const int MaxLength = 255;

    // 16 hex digits (64 bits) of SHA-256: collisions between the containers of one node are not a concern.
    private const int HashLength = 16;

    /// <summary>
    /// The unit name for a container. Names over 255 characters keep as much of the escaped
    /// namespace.pod.container text as fits and end in a hash of the pod UID and the container name, so the
    /// shortened name is still unique and deterministic.
    /// </summary>
    public static string For(string podNamespace, string podName, string podUid, string containerName)
    {
        ArgumentNullException.ThrowIfNull(podNamespace);
        ArgumentNullException.ThrowIfNull(podName);
        ArgumentNullException.ThrowIfNull(podUid);
        ArgumentNullException.ThrowIfNull(containerName);

        var body = string.Join('.',
            SystemdEscaping.EscapeUnitNamePart(podNamespace),
            SystemdEscaping.EscapeUnitNamePart(podName),
            SystemdEscaping.EscapeUnitNamePart(containerName));
        var full = Prefix + body + Suffix;
        if (full.Length <= MaxLength)
        {
            return full;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(podUid + "/" + containerName)))[..HashLength];
        var room = MaxLength - Prefix.Length - 1 - HashLength - Suffix.Length;
        return Prefix + TruncateEscaped(body, room) + "." + hash + Suffix;
    }

    /// <summary>
    /// Whether a unit name has the form of a container unit. vks' own unit, vks.service, starts with the prefix and
    /// ends with the suffix too, but has nothing between them.
    /// </summary>
    public static bool HasContainerUnitForm(string unitName)
    {
        ArgumentNullException.ThrowIfNull(unitName);
        return unitName.Length > Prefix.Length + Suffix.Length
            && unitName.StartsWith(Prefix, StringComparison.Ordinal)
            && unitName.EndsWith(Suffix, StringComparison.Ordinal);
    }

    // Cuts escaped text to at most maxLength characters without splitting a "\xNN" escape.
    private static string TruncateEscaped(string escaped, int maxLength)
    {
        var cut = maxLength;
        var backslash = escaped.LastIndexOf('\\', cut - 1, Math.Min(cut, 4));
        if (backslash >= 0 && backslash + 4 > cut)
        {
            cut = backslash;
        }

        return escaped[..cut];
    }
}
