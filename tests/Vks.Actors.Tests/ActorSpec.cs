// The base of the actor specs: an actor system on virtual time (TestScheduler: timers fire only when a spec advances
// the clock, so no spec sleeps), a private unit-file directory written by the real UnitFileStore, and in-memory fakes
// behind the systemd, apt and Kubernetes ports.
using Akka.Actor;
using k8s.Models;
using Akka.TestKit;
using Vks.Actors.Debug;
using Vks.Actors.Packages;
using Vks.Actors.Pods;
using Vks.Actors.Tests.Fakes;
using Vks.Actors.Units;
using Vks.Node.Pods;
using Vks.Systemd.Units;
using Xunit.Abstractions;

namespace Vks.Actors.Tests;

public abstract class ActorSpec : Akka.TestKit.Xunit2.TestKit
{
    internal const string NodeIp = "10.0.0.5";

    private const string Config = """
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.loglevel = INFO
        """;

    private readonly DirectoryInfo _unitDirectory = Directory.CreateTempSubdirectory("vks-actors-");

    protected ActorSpec(ITestOutputHelper output)
        : base(Config, output)
    {
        Store = new UnitFileStore(_unitDirectory.FullName);
        Systemd = new InMemorySystemd(() => Clock.Now);
    }

    internal TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    internal UnitFileStore Store { get; }

    internal InMemorySystemd Systemd { get; }

    internal FakePackageInstaller Installer { get; } = new();

    internal FakeKubernetes Kubernetes { get; } = new();

    internal FakeHost Host { get; } = new();

    /// <summary>Bare command names the translator may resolve.</summary>
    internal static string? ResolveExecutable(string name) => name switch
    {
        "sh" => "/bin/sh",
        "sleep" => "/usr/bin/sleep",
        _ => null,
    };

    /// <summary>The services a PodActor or UnitActor gets, with a real UnitFileActor and PackageActor.</summary>
    internal PodServices Services()
    {
        var unitFiles = Sys.ActorOf(UnitFileActor.Props(Store, Systemd, loadsNewFilesWithoutReload: true));
        var packages = Sys.ActorOf(PackageActor.Props(Installer));
        return new PodServices(new PodHost("node-1", NodeIp, "10.96.0.1", 6443, ResolveExecutable), Systemd, Store, unitFiles, packages, Kubernetes, Kubernetes);
    }

    internal bool UnitFileExists(string unitName) => File.Exists(Path.Combine(Store.Directory, unitName));

    internal UnitFile? ReadUnitFile(string unitName) => Store.ReadAsync(unitName).GetAwaiter().GetResult();

    /// <summary>Writes the unit vks would have written for the container (as a vks that ran before), and returns its name.</summary>
    internal string WriteUnitAsVksWould(V1Pod pod, string container, string? packageUnit = null)
    {
        var translation = PodUnitTranslator.Translate(pod, container, new PodUnitContext
        {
            Hostname = "node-1",
            ApiServerHost = "10.96.0.1",
            ApiServerPort = 6443,
            PackageUnitFile = packageUnit,
            ResolveExecutable = ResolveExecutable,
        });
        var unit = Assert.IsType<ContainerUnit>(translation);
        Store.WriteAsync(unit.UnitName, unit.Unit).GetAwaiter().GetResult();
        return unit.UnitName;
    }

    /// <summary>The actor's own dump. Asking also proves it has handled every message sent to it before.</summary>
    internal T DumpOf<T>(IActorRef actor) => actor.Ask<T>(DumpProtocol.DumpState.Instance, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();

    /// <summary>Advances virtual time and lets the actors handle what fell due.</summary>
    internal void Advance(TimeSpan by) => Clock.Advance(by);

    protected override void AfterAll()
    {
        base.AfterAll();
        // A unit file write the UnitFileActor started on the thread pool may still land after the actors stopped.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _unitDirectory.Delete(recursive: true);
                return;
            }
            catch (IOException) when (attempt < 10)
            {
                Thread.Sleep(100);
            }
        }
    }
}
