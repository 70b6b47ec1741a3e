// The port to apt and dpkg. Only the PackageActor calls it, one call at a time, so implementations need not be
// thread-safe. Expected failures (an unknown package, apt's exit codes) are results; exceptions are bugs or a host
// without apt.
using Vks.Node.Images;

namespace Vks.Actors.Packages;

/// <summary>What apt knows of a package.</summary>
/// <param name="InstalledVersion">The installed version, or null when the package is not installed.</param>
/// <param name="CandidateVersion">The version apt would install, or null when apt knows no installable version.</param>
/// <param name="AvailableVersions">Every version in apt's index (and the installed one).</param>
public sealed record PackageQuery(string? InstalledVersion, string? CandidateVersion, IReadOnlyList<string> AvailableVersions);

/// <summary>How an apt run ended; <paramref name="ErrorLine"/> is apt's own error line when it failed.</summary>
public sealed record AptResult(bool Succeeded, string? ErrorLine)
{
    public static readonly AptResult Success = new(true, null);

    public static AptResult Failure(string errorLine) => new(false, errorLine);
}

public interface IPackageInstaller
{
    Task<PackageQuery> QueryAsync(string package, CancellationToken cancellationToken);

    /// <summary>Installs (or upgrades or downgrades to) <paramref name="image"/>, without starting or enabling any
    /// daemon the package ships.</summary>
    Task<AptResult> InstallAsync(DebianPackageImage image, CancellationToken cancellationToken);

    /// <summary>Refreshes apt's package index (apt-get update).</summary>
    Task<AptResult> RefreshIndexAsync(CancellationToken cancellationToken);

    /// <summary>The text of the systemd service unit the installed package ships for its daemon, or null when it
    /// ships none (or several, none named after the package).</summary>
    Task<string?> ReadServiceUnitAsync(string package, CancellationToken cancellationToken);
}
