using Vks.Actors.Packages;

namespace Vks.Actors.Tests.Packages;

public sealed class AptOutputTests
{
    // Captured from bookworm: an upgradable package (the installed version is only in dpkg's status file).
    private const string UpgradablePolicy = """
        bash:
          Installed: 5.2.15-2+b8
          Candidate: 5.2.15-2+b13
          Version table:
             5.2.15-2+b13 500
                500 http://deb.debian.org/debian bookworm/main amd64 Packages
         *** 5.2.15-2+b8 100
                100 /var/lib/dpkg/status

        """;

    private const string NotInstalledPolicy = """
        uptimed:
          Installed: (none)
          Candidate: 1:0.4.6-3
          Version table:
             1:0.4.6-3 500
                500 http://deb.debian.org/debian bookworm/main amd64 Packages
             1:0.4.6-2 100
                100 http://deb.debian.org/debian bullseye/main amd64 Packages

        """;

    [Fact]
    public void The_policy_table_gives_the_installed_candidate_and_available_versions()
    {
        var bash = AptOutput.ParsePolicy(UpgradablePolicy);
        Assert.Equal("5.2.15-2+b8", bash.InstalledVersion);
        Assert.Equal("5.2.15-2+b13", bash.CandidateVersion);
        Assert.Equal(["5.2.15-2+b13", "5.2.15-2+b8"], bash.AvailableVersions);

        var uptimed = AptOutput.ParsePolicy(NotInstalledPolicy);
        Assert.Null(uptimed.InstalledVersion);
        Assert.Equal("1:0.4.6-3", uptimed.CandidateVersion);
        Assert.Equal(["1:0.4.6-3", "1:0.4.6-2"], uptimed.AvailableVersions);
    }

    [Fact]
    public void A_package_apt_does_not_know_has_nothing()
    {
        var unknown = AptOutput.ParsePolicy("");
        Assert.Null(unknown.InstalledVersion);
        Assert.Null(unknown.CandidateVersion);
        Assert.Empty(unknown.AvailableVersions);
    }

    [Fact]
    public void The_error_line_is_apts_first_E_line()
    {
        var result = new ProcessResult(100, "Reading package lists...\n", """
            E: Unable to locate package nosuchpkg
            E: Sub-process /usr/bin/dpkg returned an error code (1)

            """);

        Assert.Equal("Unable to locate package nosuchpkg", AptOutput.ErrorLine(result, "apt-get install"));
    }

    [Fact]
    public void Without_an_E_line_the_last_line_or_the_exit_status_says_why()
    {
        Assert.Equal("W: Some index files failed to download.", AptOutput.ErrorLine(new ProcessResult(100, "", "W: Some index files failed to download.\n\n"), "apt-get update"));
        Assert.Equal("apt-get update exited with status 100.", AptOutput.ErrorLine(new ProcessResult(100, "noise", ""), "apt-get update"));
    }

    [Fact]
    public void An_interrupted_dpkg_is_recognised()
    {
        Assert.True(AptOutput.IsDpkgInterrupted(new ProcessResult(100, "", "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem.\n")));
        Assert.False(AptOutput.IsDpkgInterrupted(new ProcessResult(100, "", "E: Unable to locate package x\n")));
    }

    private const string FileList = """
        /.
        /lib
        /lib/systemd
        /lib/systemd/system
        /lib/systemd/system/uptimed.service
        /lib/systemd/system/uptimed-refresh.timer
        /lib/systemd/system/uptimed@.service
        /lib/systemd/system/uptimed.service.d/override.conf
        /lib/systemd/system/multi-user.target.wants/uptimed.service
        /usr/lib/systemd/system/uptimed.socket
        /etc/systemd/system/other.service
        /usr/sbin/uptimed
        """;

    [Fact]
    public void The_daemon_units_of_a_package_are_its_services_sockets_timers_and_paths_but_not_templates()
    {
        Assert.Equal(["uptimed-refresh.timer", "uptimed.service", "uptimed.socket"], AptOutput.DaemonUnits(FileList));
    }

    [Fact]
    public void The_package_unit_is_the_one_named_after_the_package_or_its_only_service()
    {
        Assert.Equal("/lib/systemd/system/uptimed.service", AptOutput.ServiceUnitPath("uptimed", FileList));
        Assert.Equal("/lib/systemd/system/ssh.service", AptOutput.ServiceUnitPath("openssh-server", "/lib/systemd/system/ssh.service\n/lib/systemd/system/ssh@.service\n"));
        Assert.Null(AptOutput.ServiceUnitPath("two", "/lib/systemd/system/a.service\n/lib/systemd/system/b.service\n"));
        Assert.Null(AptOutput.ServiceUnitPath("bash", "/usr/bin/bash\n"));
    }
}
