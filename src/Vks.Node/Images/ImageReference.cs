// What a container's image names on a vks node. The grammar (docs/unit-mapping.md):
//   "uptimed"            the Debian package uptimed, installed with apt;
//   "uptimed:1:0.4.6-3"  that exact version; the tag is a Debian version, split at the FIRST colon so that an
//                        epoch ("1:") stays part of the version;
//   "/usr/sbin/foo"      a binary already on the host; nothing is installed.
// Anything else (registry paths, digests, upper case, options, whitespace) is rejected with a reason meant for
// the pod status. Accepted package names and versions cannot start with "-", so no apt or dpkg option can be
// injected through an image.
using System.Diagnostics.CodeAnalysis;

namespace Vks.Node.Images;

public abstract record ImageReference
{
    // A Kubernetes object can hold megabytes; an image this long is a mistake or an attack, not a package.
    internal const int MaxLength = 1024;

    private protected ImageReference()
    {
    }

    /// <summary>Parses <paramref name="image"/>; on failure <paramref name="reason"/> says why, for the pod status.</summary>
    public static bool TryParse(
        string? image,
        [NotNullWhen(true)] out ImageReference? reference,
        [NotNullWhen(false)] out string? reason)
    {
        reference = null;
        reason = Parse(image, out var parsed);
        if (reason is not null)
        {
            return false;
        }

        reference = parsed!;
        return true;
    }

    private static string? Parse(string? image, out ImageReference? parsed)
    {
        parsed = null;
        if (string.IsNullOrEmpty(image))
        {
            return "The image is empty; name a Debian package (e.g. 'uptimed') or an absolute binary path.";
        }

        if (image.Length > MaxLength)
        {
            return $"The image is {image.Length} characters long; at most {MaxLength} are accepted.";
        }

        if (image.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return "The image contains whitespace or control characters.";
        }

        if (image[0] == '/')
        {
            var pathError = BinaryPathError(image);
            if (pathError is not null)
            {
                return pathError;
            }

            parsed = new BinaryPathImage(image);
            return null;
        }

        if (image.Contains('@', StringComparison.Ordinal))
        {
            return $"'{image}' has a digest; vks images are Debian packages, optionally with ':version' (e.g. 'uptimed:1:0.4.6-3').";
        }

        if (image.Contains('/', StringComparison.Ordinal))
        {
            return $"'{image}' looks like a container registry image; vks runs Debian packages (e.g. 'nginx' or 'nginx:1.22.1-9') or absolute binary paths.";
        }

        var colon = image.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? image : image[..colon];
        var nameError = DebianGrammar.PackageNameError(name);
        if (nameError is not null)
        {
            return nameError;
        }

        string? version = null;
        if (colon >= 0)
        {
            version = image[(colon + 1)..];
            var versionError = DebianGrammar.VersionError(version);
            if (versionError is not null)
            {
                return $"The tag of '{image}' must be a Debian version: {versionError}";
            }
        }

        parsed = new DebianPackageImage(name, version);
        return null;
    }

    // The path becomes the ExecStart executable, so it must be one systemd takes literally, and clean, so that
    // what the user sees in the pod spec is exactly the file that runs.
    private static string? BinaryPathError(string path)
    {
        if (path.EndsWith('/'))
        {
            return $"'{path}' ends with '/'; a binary path must name a file.";
        }

        var segments = path[1..].Split('/');
        if (segments.Any(s => s.Length == 0 || s == "." || s == ".."))
        {
            return $"'{path}' is not a clean absolute path (empty, '.' or '..' segments).";
        }

        // systemd refuses quotes and backslashes in an executable, and "$" would differ between path and argv[0].
        var refused = path.FirstOrDefault(c => c is '"' or '\'' or '\\' or '$');
        if (refused != default)
        {
            return $"'{path}' contains '{refused}', which systemd does not accept in an executable path.";
        }

        return null;
    }
}

/// <summary>A Debian package, installed with apt; <see cref="Version"/> null means the candidate version.</summary>
public sealed record DebianPackageImage(string Package, string? Version) : ImageReference
{
    /// <summary>The argument for apt-get install: "name" or "name=version". It never starts with "-".</summary>
    public string AptArgument => Version is null ? Package : $"{Package}={Version}";
}

/// <summary>A binary already on the host, run as it is; nothing is installed.</summary>
public sealed record BinaryPathImage(string Path) : ImageReference;
