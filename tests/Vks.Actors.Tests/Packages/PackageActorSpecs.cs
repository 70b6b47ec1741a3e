using Akka.Actor;
using Vks.Actors.Debug;
using Vks.Actors.Packages;
using Vks.Node.Images;
using Xunit.Abstractions;
using static Vks.Actors.Packages.PackageProtocol;

namespace Vks.Actors.Tests.Packages;

public sealed class PackageActorSpecs(ITestOutputHelper output) : ActorSpec(output)
{
    private static readonly DebianPackageImage Uptimed = new("uptimed", null);

    [Fact]
    public void Requests_for_different_packages_run_one_at_a_time_in_arrival_order()
    {
        Installer.Available("uptimed", "1:0.4.6-3").Available("nginx", "1.22.1-9").Available("redis-server", "5:7.0.15-1");
        Installer.CloseGate();
        var packages = Sys.ActorOf(PackageActor.Props(Installer));
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        var third = CreateTestProbe();

        packages.Tell(new EnsurePackage(Uptimed, PullPolicy.IfNotPresent), first);
        first.ExpectMsg<PackageInstalling>();
        packages.Tell(new EnsurePackage(new DebianPackageImage("nginx", null), PullPolicy.IfNotPresent), second);
        packages.Tell(new EnsurePackage(new DebianPackageImage("redis-server", null), PullPolicy.IfNotPresent), third);

        var queue = DumpOf<DumpProtocol.PackageQueueDump>(packages);
        Assert.Equal("uptimed", queue.Current?.Image);
        Assert.True(queue.Current?.Installing);
        Assert.Equal(["nginx", "redis-server"], queue.Queued.Select(j => j.Image));
        AwaitAssert(() => Assert.Equal(["query uptimed", "install uptimed"], Installer.Calls));

        Installer.OpenGate();
        Assert.Equal("1:0.4.6-3", first.ExpectMsg<PackageReady>().Version);
        second.FishForMessage<PackageReady>(_ => true);
        third.FishForMessage<PackageReady>(_ => true);

        Assert.Equal(1, Installer.MaxInFlight);
        Assert.Equal(
            ["query uptimed", "install uptimed", "query uptimed", "units uptimed",
             "query nginx", "install nginx", "query nginx", "units nginx",
             "query redis-server", "install redis-server", "query redis-server", "units redis-server"],
            Installer.Calls);
    }

    [Fact]
    public void Concurrent_requests_for_one_package_share_one_install()
    {
        Installer.Available("uptimed", "1:0.4.6-3").WithUnit("uptimed", TestPods.UptimedUnit);
        Installer.CloseGate();
        var packages = Sys.ActorOf(PackageActor.Props(Installer));
        var probes = Enumerable.Range(0, 3).Select(_ => CreateTestProbe()).ToArray();

        probes[0].Send(packages, new EnsurePackage(Uptimed, PullPolicy.Always));
        probes[0].ExpectMsg<PackageInstalling>();
        probes[1].Send(packages, new EnsurePackage(Uptimed, PullPolicy.Always));
        probes[2].Send(packages, new EnsurePackage(Uptimed, PullPolicy.Always));
        Assert.Equal(3, DumpOf<DumpProtocol.PackageQueueDump>(packages).Current?.Waiters);
        Installer.OpenGate();

        foreach (var probe in probes)
        {
            var ready = probe.FishForMessage<PackageReady>(_ => true);
            Assert.Equal("deb://uptimed=1:0.4.6-3", ready.ImageId);
            Assert.Equal(TestPods.UptimedUnit, ready.ServiceUnit);
            Assert.True(ready.Installed);
        }

        Assert.Equal(1, Installer.CountOf("install uptimed"));
    }

    [Fact]
    public void IfNotPresent_takes_an_installed_package_as_it_is()
    {
        Installer.Available("uptimed", "1:0.4.6-3").Installed("uptimed", "1:0.4.6-2");

        var ready = Ask(new EnsurePackage(Uptimed, PullPolicy.IfNotPresent));

        Assert.Equal("1:0.4.6-2", Assert.IsType<PackageReady>(ready).Version);
        Assert.False(((PackageReady)ready).Installed);
        Assert.Equal(0, Installer.CountOf("install uptimed"));
    }

    [Fact]
    public void Always_upgrades_to_the_candidate_but_leaves_an_up_to_date_package_alone()
    {
        Installer.Available("uptimed", "1:0.4.6-2", "1:0.4.6-3").Installed("uptimed", "1:0.4.6-2");

        Assert.Equal("1:0.4.6-3", Assert.IsType<PackageReady>(Ask(new EnsurePackage(Uptimed, PullPolicy.Always))).Version);
        Assert.Equal("1:0.4.6-3", Assert.IsType<PackageReady>(Ask(new EnsurePackage(Uptimed, PullPolicy.Always))).Version);

        Assert.Equal(1, Installer.CountOf("install uptimed"));
    }

    [Fact]
    public void A_pinned_version_is_installed_when_another_one_is()
    {
        Installer.Available("uptimed", "1:0.4.6-2", "1:0.4.6-3").Installed("uptimed", "1:0.4.6-3");

        var ready = Ask(new EnsurePackage(new DebianPackageImage("uptimed", "1:0.4.6-2"), PullPolicy.IfNotPresent));

        Assert.Equal("1:0.4.6-2", Assert.IsType<PackageReady>(ready).Version);
        Assert.Equal(1, Installer.CountOf("install uptimed=1:0.4.6-2"));
    }

    [Fact]
    public void Never_fails_a_missing_package_and_never_runs_apt_get()
    {
        Installer.Available("uptimed", "1:0.4.6-3");

        Assert.IsType<PackageNeverPullMissing>(Ask(new EnsurePackage(Uptimed, PullPolicy.Never)));
        Assert.Equal(["query uptimed"], Installer.Calls);
    }

    [Fact]
    public void An_unknown_package_refreshes_the_index_at_most_once_every_few_minutes()
    {
        Installer.AvailableAfterRefresh("uptimed", "1:0.4.6-3");

        Assert.IsType<PackageReady>(Ask(new EnsurePackage(Uptimed, PullPolicy.IfNotPresent)));
        Assert.Equal(["query uptimed", "update", "query uptimed", "install uptimed", "query uptimed", "units uptimed"], Installer.Calls);

        // Unknown again within the interval: apt-get install runs for its error line, without another update.
        var missing = new DebianPackageImage("no-such-package", null);
        var failed = Assert.IsType<PackagePullFailed>(Ask(new EnsurePackage(missing, PullPolicy.IfNotPresent)));
        Assert.Equal("Unable to locate package no-such-package", failed.Message);
        Assert.Equal(1, Installer.CountOf("update"));

        Advance(PackageActor.IndexRefreshInterval);
        Assert.IsType<PackagePullFailed>(Ask(new EnsurePackage(missing, PullPolicy.IfNotPresent)));
        Assert.Equal(2, Installer.CountOf("update"));
    }

    [Fact]
    public void A_failed_install_answers_with_apts_error_line()
    {
        Installer.Available("uptimed", "1:0.4.6-3").Failing("uptimed", "Sub-process /usr/bin/dpkg returned an error code (1)");

        var failed = Assert.IsType<PackagePullFailed>(Ask(new EnsurePackage(Uptimed, PullPolicy.IfNotPresent)));

        Assert.Equal("Sub-process /usr/bin/dpkg returned an error code (1)", failed.Message);
        Assert.Equal(Uptimed, failed.Image);
    }

    [Theory]
    [InlineData(null, null, "Always")]
    [InlineData(null, "1.0-1", "IfNotPresent")]
    [InlineData("Never", null, "Never")]
    [InlineData("IfNotPresent", null, "IfNotPresent")]
    [InlineData("Always", "1.0-1", "Always")]
    [InlineData("Sometimes", "1.0-1", "IfNotPresent")]
    public void The_pull_policy_defaults_like_the_API_server(string? policy, string? version, string expected)
    {
        Assert.Equal(expected, PolicyOf(policy, new DebianPackageImage("uptimed", version)).ToString());
    }

    private IActorRef? _packages;

    private IPackageAnswer Ask(EnsurePackage request)
    {
        _packages ??= Sys.ActorOf(PackageActor.Props(Installer));
        var probe = CreateTestProbe();
        probe.Send(_packages, request);
        return probe.FishForMessage<IPackageAnswer>(a => a is not PackageInstalling, TimeSpan.FromSeconds(10));
    }
}
