// The PackageActor counts apt-get install runs: when one starts, and by result when it ends, with its duration. A
// package that is already there, or that imagePullPolicy Never forbids, is no install.
using Vks.Actors.Packages;
using Vks.Node.Images;
using Vks.Node.KubeletApi.Metrics;
using Xunit.Abstractions;
using static Vks.Actors.Packages.PackageProtocol;

namespace Vks.Actors.Tests.Packages;

[Collection(MetricsCollection.Name)]
public sealed class PackageInstallMetricsSpecs(ITestOutputHelper output) : ActorSpec(output)
{
    [Fact]
    public void Installs_are_counted_when_they_start_and_by_result_when_they_end()
    {
        using var exporter = new VksMetricsExporter();
        Installer.Available("uptimed", "1:0.4.6-3")
            .Available("nginx", "1.22.1-9").Failing("nginx", "Sub-process /usr/bin/dpkg returned an error code (1)")
            .Available("redis-server", "5:7.0.15-1").Installed("redis-server", "5:7.0.15-1");
        var packages = Sys.ActorOf(PackageActor.Props(Installer));

        Assert.IsType<PackageReady>(Ask(packages, new EnsurePackage(new DebianPackageImage("uptimed", null), PullPolicy.IfNotPresent)));
        Assert.IsType<PackagePullFailed>(Ask(packages, new EnsurePackage(new DebianPackageImage("nginx", null), PullPolicy.IfNotPresent)));
        Assert.IsType<PackageReady>(Ask(packages, new EnsurePackage(new DebianPackageImage("redis-server", null), PullPolicy.IfNotPresent)));
        Assert.IsType<PackageNeverPullMissing>(Ask(packages, new EnsurePackage(new DebianPackageImage("htop", null), PullPolicy.Never)));

        // The actor records the result before it answers, so the answers above mean the counts are final.
        var text = exporter.Collect();
        Assert.Contains("vks_package_installs_started_total 2\n", text, StringComparison.Ordinal);
        Assert.Contains("vks_package_installs_total{result=\"succeeded\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("vks_package_installs_total{result=\"failed\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("vks_package_install_duration_seconds_count{result=\"succeeded\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("vks_package_install_duration_seconds_count{result=\"failed\"} 1\n", text, StringComparison.Ordinal);
    }

    private IPackageAnswer Ask(Akka.Actor.IActorRef packages, EnsurePackage request)
    {
        var probe = CreateTestProbe();
        probe.Send(packages, request);
        return probe.FishForMessage<IPackageAnswer>(a => a is not PackageInstalling, TimeSpan.FromSeconds(10));
    }
}
