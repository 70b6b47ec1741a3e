// IPackageInstaller on the host's apt and dpkg, run as child processes with argument lists. Package names and
// versions come from ImageReference, which admits only Debian's grammar (nothing starting with "-"); "--" ends the
// options anyway, and the name is checked again here, since all input is hostile.
// - Nothing prompts: DEBIAN_FRONTEND=noninteractive, standard input closed, local config files kept
//   (--force-confdef/--force-confold), needrestart's hook suspended.
// - Messages are untranslated (LC_ALL=C): vks reads apt's error line and its policy table.
// - Another apt run (unattended-upgrades, an admin) holding the dpkg lock is waited for, not failed on.
// - No daemon a package ships is started during the install (policy-rc.d, see PolicyRcGuard), and the daemon units
//   of a package vks installed are disabled afterwards, so they do not start at the next boot either: the package's
//   own unit must never run beside the container's. A daemon an admin installed before is left alone.
// - dpkg cut short (vks killed mid-install) is finished with dpkg --configure -a, then the install runs again.
// - What apt-cache and dpkg-query answered is kept while apt's and dpkg's files are unchanged (AptStateStamp): 200
//   containers of one package asking at once otherwise wait for rounds of apt-cache runs, seconds each under load.
using System.Text.RegularExpressions;
using Vks.Node.Images;

namespace Vks.Actors.Packages;

/// <summary>Where the tools live; tests point these at stand-ins.</summary>
public sealed record AptTools(
    string AptGet = "/usr/bin/apt-get",
    string AptCache = "/usr/bin/apt-cache",
    string DpkgQuery = "/usr/bin/dpkg-query",
    string Dpkg = "/usr/bin/dpkg",
    string Systemctl = "/usr/bin/systemctl",
    string PolicyRcD = "/usr/sbin/policy-rc.d")
{
    /// <summary>The files and directories whose change can change apt's or dpkg's answers (see
    /// <see cref="AptStateStamp"/>): dpkg's status database, apt's index and apt's configuration.</summary>
    public IReadOnlyList<string> StateFiles { get; init; } = ["/var/lib/dpkg/status", "/var/lib/apt/lists", "/etc/apt"];
}

public sealed partial class AptPackageInstaller : IPackageInstaller
{
    /// <summary>How long an install may wait for another apt run to release the dpkg lock.</summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(5);

    // A package's unit file larger than this is not a unit file.
    private const long MaxUnitFileBytes = 1 << 20;

    private static readonly Dictionary<string, string> Environment = new(StringComparer.Ordinal)
    {
        ["DEBIAN_FRONTEND"] = "noninteractive",
        ["DEBCONF_NONINTERACTIVE_SEEN"] = "true",
        ["APT_LISTCHANGES_FRONTEND"] = "none",
        ["NEEDRESTART_SUSPEND"] = "1",
        ["LC_ALL"] = "C",
        ["LANG"] = "C",
        ["LANGUAGE"] = "",
    };

    private readonly AptTools _tools;
    private readonly PolicyRcGuard _policy;
    private readonly Dictionary<string, PackageQuery> _queries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _serviceUnits = new(StringComparer.Ordinal);
    private AptStateStamp? _answersStamp;
    private bool _recovered;

    public AptPackageInstaller(AptTools? tools = null)
    {
        _tools = tools ?? new AptTools();
        _policy = new PolicyRcGuard(_tools.PolicyRcD);
    }

    public async Task<PackageQuery> QueryAsync(string package, CancellationToken cancellationToken)
    {
        RequirePackageName(package);
        return await RememberedAsync(_queries, package, () => AskAptCacheAsync(package, cancellationToken)).ConfigureAwait(false);
    }

    private async Task<PackageQuery> AskAptCacheAsync(string package, CancellationToken cancellationToken)
    {
        var result = await RunAsync(_tools.AptCache, ["policy", "--", package], cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"apt-cache policy {package} failed: {AptOutput.ErrorLine(result, "apt-cache")}");
        }

        return AptOutput.ParsePolicy(result.StandardOutput);
    }

    public async Task<AptResult> InstallAsync(DebianPackageImage image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        RequirePackageName(image.Package);
        RecoverOnce();
        // Whatever the outcome, apt may have changed something the stamp cannot see yet (the same second, the same size).
        ForgetAnswers();
        var wasInstalled = await IsInstalledAsync(image.Package, cancellationToken).ConfigureAwait(false);
        string[] install =
        [
            "install", "-y", "-q",
            // An older pinned version (a Deployment rolled back) is a downgrade.
            "--allow-downgrades",
            "-o", $"DPkg::Lock::Timeout={(int)LockTimeout.TotalSeconds}",
            "-o", "Dpkg::Options::=--force-confdef",
            "-o", "Dpkg::Options::=--force-confold",
            "--", image.AptArgument,
        ];
        ProcessResult result;
        _policy.Engage();
        try
        {
            result = await RunAsync(_tools.AptGet, install, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0 && AptOutput.IsDpkgInterrupted(result))
            {
                var configure = await RunAsync(_tools.Dpkg, ["--configure", "-a"], cancellationToken).ConfigureAwait(false);
                if (configure.ExitCode != 0)
                {
                    return AptResult.Failure(AptOutput.ErrorLine(configure, "dpkg --configure -a"));
                }

                result = await RunAsync(_tools.AptGet, install, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _policy.Release();
        }

        if (result.ExitCode != 0)
        {
            return AptResult.Failure(AptOutput.ErrorLine(result, "apt-get install"));
        }

        return wasInstalled ? AptResult.Success : await DisableDaemonUnitsAsync(image.Package, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AptResult> RefreshIndexAsync(CancellationToken cancellationToken)
    {
        ForgetAnswers();
        var result = await RunAsync(_tools.AptGet, ["update", "-q", "-o", $"DPkg::Lock::Timeout={(int)LockTimeout.TotalSeconds}"], cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0 ? AptResult.Success : AptResult.Failure(AptOutput.ErrorLine(result, "apt-get update"));
    }

    public async Task<string?> ReadServiceUnitAsync(string package, CancellationToken cancellationToken)
    {
        RequirePackageName(package);
        return await RememberedAsync(_serviceUnits, package, () => ReadServiceUnitFileAsync(package, cancellationToken)).ConfigureAwait(false);
    }

    private async Task<string?> ReadServiceUnitFileAsync(string package, CancellationToken cancellationToken)
    {
        var files = await RunAsync(_tools.DpkgQuery, ["-L", "--", package], cancellationToken).ConfigureAwait(false);
        if (files.ExitCode != 0 || AptOutput.ServiceUnitPath(package, files.StandardOutput) is not { } path)
        {
            return null;
        }

        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return null;
        }

        if (info.Length > MaxUnitFileBytes)
        {
            throw new InvalidDataException($"{path} is {info.Length} bytes long; a unit file is not.");
        }

        return await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> IsInstalledAsync(string package, CancellationToken cancellationToken)
    {
        var status = await RunAsync(_tools.DpkgQuery, ["-W", "-f=${db:Status-Abbrev}", "--", package], cancellationToken).ConfigureAwait(false);
        // "ii": wanted and installed; "rc" (removed, config files left) and an unknown package are not installed.
        return status.ExitCode == 0 && status.StandardOutput.StartsWith("ii", StringComparison.Ordinal);
    }

    private async Task<AptResult> DisableDaemonUnitsAsync(string package, CancellationToken cancellationToken)
    {
        var files = await RunAsync(_tools.DpkgQuery, ["-L", "--", package], cancellationToken).ConfigureAwait(false);
        if (files.ExitCode != 0)
        {
            return AptResult.Failure($"{package} was installed, but its file list could not be read: {AptOutput.ErrorLine(files, "dpkg-query")}");
        }

        var units = AptOutput.DaemonUnits(files.StandardOutput);
        if (units.Count == 0)
        {
            return AptResult.Success;
        }

        // --no-reload: enablement only matters at boot; vks' own daemon-reloads pick the links up anyway.
        var disable = await RunAsync(_tools.Systemctl, ["disable", "--no-reload", "--", .. units], cancellationToken).ConfigureAwait(false);
        return disable.ExitCode == 0
            ? AptResult.Success
            : AptResult.Failure($"{package} was installed, but its own units could not be disabled: {AptOutput.ErrorLine(disable, "systemctl disable")}");
    }

    // The answer given before while apt's and dpkg's files are unchanged; otherwise a fresh one, kept for next time.
    private async Task<T> RememberedAsync<T>(Dictionary<string, T> answers, string package, Func<Task<T>> ask)
    {
        ForgetAnswersIfStateChanged();
        if (answers.TryGetValue(package, out var known))
        {
            return known;
        }

        var answer = await ask().ConfigureAwait(false);
        answers[package] = answer;
        return answer;
    }

    private void ForgetAnswersIfStateChanged()
    {
        var stamp = AptStateStamp.Read(_tools.StateFiles);
        if (!stamp.Equals(_answersStamp))
        {
            ForgetAnswers();
            _answersStamp = stamp;
        }
    }

    private void ForgetAnswers()
    {
        _queries.Clear();
        _serviceUnits.Clear();
        _answersStamp = null;
    }

    private void RecoverOnce()
    {
        if (!_recovered)
        {
            _policy.Release();
            _recovered = true;
        }
    }

    private static Task<ProcessResult> RunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        ChildProcess.RunAsync(tool, arguments, Environment, cancellationToken);

    private static void RequirePackageName(string package)
    {
        ArgumentNullException.ThrowIfNull(package);
        if (!PackageName().IsMatch(package))
        {
            throw new ArgumentException($"'{package}' is not a Debian package name.", nameof(package));
        }
    }

    // Debian Policy 5.6.1; the images were checked already, this is the last line of defence before a command line.
    [GeneratedRegex(@"\A[a-z0-9][a-z0-9+.-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex PackageName();
}
