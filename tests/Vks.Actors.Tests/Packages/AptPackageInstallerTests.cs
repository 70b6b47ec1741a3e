// AptPackageInstaller against stand-in tools: shell scripts in a temporary directory that log how they were run
// (arguments, environment, whether policy-rc.d forbade starting daemons at that moment) and answer like apt. The
// real apt-get install needs root and a network and belongs to the end-to-end tests; apt-cache policy is read-only
// and runs for real below.
using System.Text;
using Vks.Actors.Packages;
using Vks.Node.Images;

namespace Vks.Actors.Tests.Packages;

public sealed class AptPackageInstallerTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("vks-apt-");
    private readonly AptTools _tools;

    public AptPackageInstallerTests()
    {
        _tools = new AptTools(
            AptGet: Tool("apt-get", """
                if [ "$1" = install ] && [ -e "$DIR/interrupted" ]; then
                  rm "$DIR/interrupted"
                  echo "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem." >&2
                  exit 100
                fi
                if [ -e "$DIR/fail" ]; then cat "$DIR/fail" >&2; exit 100; fi
                exit 0
                """),
            AptCache: Tool("apt-cache", """cat "$DIR/policy" 2>/dev/null; exit 0"""),
            DpkgQuery: Tool("dpkg-query", """
                if [ "$1" = -W ]; then [ -e "$DIR/installed" ] && printf 'ii ' && exit 0; exit 1; fi
                printf '/usr/sbin/uptimed\n/lib/systemd/system/uptimed.service\n/lib/systemd/system/uptimed@.service\n'
                """),
            Dpkg: Tool("dpkg", "exit 0"),
            Systemctl: Tool("systemctl", "exit 0"),
            PolicyRcD: Path.Combine(_directory.FullName, "policy-rc.d"))
        {
            StateFiles = [StateDirectory.FullName],
        };
    }

    // Stands in for /var/lib/dpkg/status, /var/lib/apt/lists and /etc/apt.
    private DirectoryInfo StateDirectory => _directory.CreateSubdirectory("state");

    private string Log => Path.Combine(_directory.FullName, "log");

    private string[] Runs => File.Exists(Log) ? File.ReadAllLines(Log) : [];

    [Fact]
    public async Task An_install_runs_apt_get_with_an_argument_list_noninteractively_with_daemons_forbidden_to_start()
    {
        var installer = new AptPackageInstaller(_tools);

        var result = await installer.InstallAsync(new DebianPackageImage("uptimed", "1:0.4.6-3"), CancellationToken.None);

        Assert.True(result.Succeeded);
        var install = Assert.Single(Runs, r => r.StartsWith("apt-get ", StringComparison.Ordinal));
        Assert.Equal(
            "apt-get [install] [-y] [-q] [--allow-downgrades] [-o] [DPkg::Lock::Timeout=300] [-o] [Dpkg::Options::=--force-confdef] "
            + "[-o] [Dpkg::Options::=--force-confold] [--] [uptimed=1:0.4.6-3] | DEBIAN_FRONTEND=noninteractive LC_ALL=C policy-rc.d=101",
            install);
        Assert.False(File.Exists(_tools.PolicyRcD));
    }

    [Fact]
    public async Task The_units_of_a_package_vks_installed_are_disabled_but_not_those_of_one_that_was_there()
    {
        var installer = new AptPackageInstaller(_tools);

        await installer.InstallAsync(new DebianPackageImage("uptimed", null), CancellationToken.None);
        Assert.Contains("systemctl [disable] [--no-reload] [--] [uptimed.service] | DEBIAN_FRONTEND=noninteractive LC_ALL=C policy-rc.d=none", Runs);

        File.Delete(Log);
        File.WriteAllText(Path.Combine(_directory.FullName, "installed"), "");
        await installer.InstallAsync(new DebianPackageImage("uptimed", null), CancellationToken.None);
        Assert.DoesNotContain(Runs, r => r.StartsWith("systemctl", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_admins_policy_rc_d_is_put_back_after_the_install()
    {
        const string admins = "#!/bin/sh\nexit 0\n";
        File.WriteAllText(_tools.PolicyRcD, admins);
        var installer = new AptPackageInstaller(_tools);

        await installer.InstallAsync(new DebianPackageImage("uptimed", null), CancellationToken.None);

        Assert.EndsWith("policy-rc.d=101", Assert.Single(Runs, r => r.StartsWith("apt-get ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal(admins, File.ReadAllText(_tools.PolicyRcD));
    }

    [Fact]
    public async Task A_policy_rc_d_left_behind_by_a_killed_vks_is_removed_before_the_next_install()
    {
        File.WriteAllText(_tools.PolicyRcD + ".vks-saved", "#!/bin/sh\nexit 0\n");
        File.WriteAllText(_tools.PolicyRcD, "#!/bin/sh\n# Written by vks while it installs a package: no daemon may be started (exit 101 = action forbidden).\nexit 101\n");
        var installer = new AptPackageInstaller(_tools);

        await installer.InstallAsync(new DebianPackageImage("uptimed", null), CancellationToken.None);

        Assert.Equal("#!/bin/sh\nexit 0\n", File.ReadAllText(_tools.PolicyRcD));
        Assert.False(File.Exists(_tools.PolicyRcD + ".vks-saved"));
    }

    [Fact]
    public async Task A_failed_install_carries_apts_error_line_and_leaves_no_policy_rc_d()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "fail"), "Reading package lists...\nE: Unable to locate package uptimed\n");
        var installer = new AptPackageInstaller(_tools);

        var result = await installer.InstallAsync(new DebianPackageImage("uptimed", null), CancellationToken.None);

        Assert.Equal(AptResult.Failure("Unable to locate package uptimed"), result);
        Assert.False(File.Exists(_tools.PolicyRcD));
    }

    [Fact]
    public async Task An_interrupted_dpkg_is_finished_and_the_install_runs_again()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "interrupted"), "");
        var installer = new AptPackageInstaller(_tools);

        var result = await installer.InstallAsync(new DebianPackageImage("uptimed", null), CancellationToken.None);

        Assert.True(result.Succeeded);
        var runs = Runs.Select(r => r.Split(' ')[0] + (r.Contains("[--configure]", StringComparison.Ordinal) ? " --configure" : "")).Where(r => r is not ("dpkg-query" or "systemctl")).ToArray();
        Assert.Equal(["apt-get", "dpkg --configure", "apt-get"], runs);
    }

    [Fact]
    public async Task The_query_reads_apt_cache_policy()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "policy"), "uptimed:\n  Installed: (none)\n  Candidate: 1:0.4.6-3\n  Version table:\n     1:0.4.6-3 500\n");
        var installer = new AptPackageInstaller(_tools);

        var query = await installer.QueryAsync("uptimed", CancellationToken.None);

        Assert.Equal((null, "1:0.4.6-3"), (query.InstalledVersion, query.CandidateVersion));
        Assert.Equal("apt-cache [policy] [--] [uptimed] | DEBIAN_FRONTEND=noninteractive LC_ALL=C policy-rc.d=none", Assert.Single(Runs));
    }

    [Fact]
    public async Task While_apts_and_dpkgs_files_are_unchanged_a_query_is_answered_without_running_apt_cache_again()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "policy"), "uptimed:\n  Installed: 1:0.4.6-3\n  Candidate: 1:0.4.6-3\n  Version table:\n *** 1:0.4.6-3 500\n");
        var installer = new AptPackageInstaller(_tools);

        var first = await installer.QueryAsync("uptimed", CancellationToken.None);
        var second = await installer.QueryAsync("uptimed", CancellationToken.None);
        await installer.ReadServiceUnitAsync("uptimed", CancellationToken.None);
        await installer.ReadServiceUnitAsync("uptimed", CancellationToken.None);

        Assert.Same(first, second);
        Assert.Equal(new[] { "apt-cache", "dpkg-query" }, Runs.Select(r => r.Split(' ')[0]));
    }

    [Fact]
    public async Task A_changed_file_of_apt_or_dpkg_makes_the_next_query_ask_apt_cache_again()
    {
        var policy = Path.Combine(_directory.FullName, "policy");
        File.WriteAllText(policy, "uptimed:\n  Installed: (none)\n  Candidate: 1:0.4.6-3\n  Version table:\n     1:0.4.6-3 500\n");
        var installer = new AptPackageInstaller(_tools);
        await installer.QueryAsync("uptimed", CancellationToken.None);

        File.WriteAllText(policy, "uptimed:\n  Installed: 1:0.4.6-3\n  Candidate: 1:0.4.6-3\n  Version table:\n *** 1:0.4.6-3 500\n");
        // An admin's dpkg -i (a new status file renamed into place).
        File.WriteAllText(Path.Combine(StateDirectory.FullName, "status"), "Package: uptimed\n");
        var after = await installer.QueryAsync("uptimed", CancellationToken.None);

        Assert.Equal("1:0.4.6-3", after.InstalledVersion);
        Assert.Equal(2, Runs.Count(r => r.StartsWith("apt-cache ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_install_or_an_index_refresh_makes_the_next_query_ask_apt_cache_again()
    {
        var installer = new AptPackageInstaller(_tools);

        await installer.QueryAsync("uptimed", CancellationToken.None);
        await installer.InstallAsync(new DebianPackageImage("uptimed", null), CancellationToken.None);
        await installer.QueryAsync("uptimed", CancellationToken.None);
        await installer.RefreshIndexAsync(CancellationToken.None);
        await installer.QueryAsync("uptimed", CancellationToken.None);

        Assert.Equal(3, Runs.Count(r => r.StartsWith("apt-cache ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("-oDebug::pkgDPkgPm=1")]
    [InlineData("Uptimed")]
    [InlineData("up timed")]
    [InlineData("uptimed\n")]
    public async Task Anything_but_a_Debian_package_name_is_refused_before_a_tool_runs(string package)
    {
        var installer = new AptPackageInstaller(_tools);

        await Assert.ThrowsAsync<ArgumentException>(() => installer.QueryAsync(package, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => installer.ReadServiceUnitAsync(package, CancellationToken.None));
        Assert.Empty(Runs);
    }

    [Fact]
    public async Task The_real_apt_cache_knows_an_installed_package_and_not_a_made_up_one()
    {
        var installer = new AptPackageInstaller();

        var bash = await installer.QueryAsync("bash", CancellationToken.None);
        var unknown = await installer.QueryAsync("vks-no-such-package-7f3a", CancellationToken.None);

        Assert.NotNull(bash.InstalledVersion);
        Assert.Contains(bash.InstalledVersion, bash.AvailableVersions);
        Assert.Equal((null, null), (unknown.InstalledVersion, unknown.CandidateVersion));
        Assert.Empty(unknown.AvailableVersions);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    // A stand-in tool: logs "NAME [arg] [arg] ... | ENV policy-rc.d=EXIT" (the policy-rc.d exit code at that moment,
    // or "none" when there is none), then runs BODY.
    private string Tool(string name, string body)
    {
        var path = Path.Combine(_directory.FullName, name);
        var script = new StringBuilder()
            .Append("#!/bin/sh\n")
            .Append($"DIR='{_directory.FullName}'\n")
            .Append("POLICY=\"$DIR/policy-rc.d\"\n")
            .Append("if [ -x \"$POLICY\" ]; then \"$POLICY\" >/dev/null 2>&1; P=$?; else P=none; fi\n")
            .Append($"ARGS=''; for a in \"$@\"; do ARGS=\"$ARGS [$a]\"; done\n")
            .Append($"echo \"{name}$ARGS | DEBIAN_FRONTEND=$DEBIAN_FRONTEND LC_ALL=$LC_ALL policy-rc.d=$P\" >> \"$DIR/log\"\n")
            .Append(body).Append('\n')
            .ToString();
        File.WriteAllText(path, script);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
