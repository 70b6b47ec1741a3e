using Vks.Node.Images;

namespace Vks.Actors.Packages;

/// <summary>imagePullPolicy.</summary>
public enum PullPolicy
{
    /// <summary>Install, or upgrade to the candidate version, every time a container is created.</summary>
    Always,

    /// <summary>Use the installed package if there is one (of the pinned version, when the image pins one).</summary>
    IfNotPresent,

    /// <summary>Never install; a container whose package is missing fails (ErrImageNeverPull).</summary>
    Never,
}

public static class PackageProtocol
{
    /// <summary>Asks for a package to be present; the PackageActor answers the sender with one
    /// <see cref="IPackageAnswer"/> that is final (<see cref="PackageReady"/>, <see cref="PackagePullFailed"/> or
    /// <see cref="PackageNeverPullMissing"/>), after a <see cref="PackageInstalling"/> when apt runs.</summary>
    public sealed record EnsurePackage(DebianPackageImage Image, PullPolicy Policy);

    /// <summary>Marks the PackageActor's answers; each names the image it is about, so a requester whose image
    /// changed meanwhile can tell a stale answer.</summary>
    public interface IPackageAnswer
    {
        DebianPackageImage Image { get; }
    }

    /// <summary>apt-get install started for the image (the Pulling event).</summary>
    public sealed record PackageInstalling(DebianPackageImage Image) : IPackageAnswer;

    /// <param name="Version">The installed version.</param>
    /// <param name="ServiceUnit">The text of the package's own service unit, or null when it ships none.</param>
    /// <param name="Installed">apt installed or upgraded it now (false: it was already there).</param>
    public sealed record PackageReady(DebianPackageImage Image, string Version, string? ServiceUnit, bool Installed) : IPackageAnswer
    {
        /// <summary>The container status' imageID.</summary>
        public string ImageId => $"deb://{Image.Package}={Version}";
    }

    /// <param name="Message">apt's error line (ErrImagePull).</param>
    public sealed record PackagePullFailed(DebianPackageImage Image, string Message) : IPackageAnswer;

    /// <summary>imagePullPolicy Never, and the package (version) is not installed (ErrImageNeverPull).</summary>
    public sealed record PackageNeverPullMissing(DebianPackageImage Image) : IPackageAnswer;

    /// <summary>The container's imagePullPolicy, defaulted like the API server does when it is absent: Always for an
    /// image without a tag (version), IfNotPresent otherwise.</summary>
    public static PullPolicy PolicyOf(string? imagePullPolicy, DebianPackageImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return imagePullPolicy switch
        {
            "Always" => PullPolicy.Always,
            "IfNotPresent" => PullPolicy.IfNotPresent,
            "Never" => PullPolicy.Never,
            _ => image.Version is null ? PullPolicy.Always : PullPolicy.IfNotPresent,
        };
    }
}
