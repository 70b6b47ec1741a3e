using Akka.Actor;
using Vks.Actors.Units;
using Vks.Systemd.Units;
using Xunit.Abstractions;
using static Vks.Actors.Units.UnitFileProtocol;

namespace Vks.Actors.Tests.Units;

public sealed class UnitFileActorSpecs(ITestOutputHelper output) : ActorSpec(output)
{
    private const string PodUid = "pod-a";

    [Fact]
    public void Changes_that_arrive_while_systemd_reloads_share_the_next_single_reload()
    {
        var writer = Sys.ActorOf(UnitFileActor.Props(Store, Systemd, loadsNewFilesWithoutReload: false));
        writer.Tell(new WriteUnitFile("vks.default.a.old.service", Unit(PodUid), PodUid), TestActor);
        ExpectMsg<UnitFileWritten>();
        Systemd.HoldReloads();
        writer.Tell(new WriteUnitFile("vks.default.a.c0.service", Unit(PodUid), PodUid), TestActor);
        AwaitAssert(() => Assert.Equal(2, Systemd.CountOf("reload")));

        for (var i = 1; i < 20; i++)
        {
            writer.Tell(new WriteUnitFile($"vks.default.a.c{i}.service", Unit(PodUid), PodUid), TestActor);
        }

        writer.Tell(new RemoveUnitFile("vks.default.a.old.service", PodUid), TestActor);
        // Every change is applied (the files are there) before the held reload ends: they wait for the next one.
        var written = Enumerable.Range(0, 20).Select(i => $"vks.default.a.c{i}.service").Order(StringComparer.Ordinal).ToArray();
        AwaitAssert(() => Assert.Equal(written, Store.ListUnitNames().Order(StringComparer.Ordinal)));
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Systemd.ReleaseReloads();

        var answers = Enumerable.Range(0, 21).Select(_ => ExpectMsg<IUnitFileAnswer>()).ToArray();
        Assert.Equal(20, answers.OfType<UnitFileWritten>().Count());
        Assert.Single(answers.OfType<UnitFileRemoved>());
        Assert.Equal(3, Systemd.CountOf("reload"));
    }

    [Fact]
    public void A_change_that_needs_no_reload_is_answered_while_another_waits_for_one()
    {
        var writer = Sys.ActorOf(UnitFileActor.Props(Store, Systemd, loadsNewFilesWithoutReload: true));
        Systemd.Change("vks.default.a.loaded.service", state => state);
        Systemd.HoldReloads();
        writer.Tell(new WriteUnitFile("vks.default.a.loaded.service", Unit(PodUid), PodUid));
        AwaitAssert(() => Assert.Equal(1, Systemd.CountOf("reload")));

        writer.Tell(new WriteUnitFile("vks.default.a.new.service", Unit(PodUid), PodUid));

        Assert.Equal("vks.default.a.new.service", ExpectMsg<UnitFileWritten>().UnitName);
        Systemd.ReleaseReloads();
        Assert.Equal("vks.default.a.loaded.service", ExpectMsg<UnitFileWritten>().UnitName);
    }

    [Fact]
    public void Changes_to_one_unit_are_applied_in_the_order_they_came()
    {
        var writer = Sys.ActorOf(UnitFileActor.Props(Store, Systemd, loadsNewFilesWithoutReload: false));
        const string name = "vks.default.a.app.service";
        Systemd.HoldReloads();

        writer.Tell(new WriteUnitFile(name, Unit(PodUid), PodUid));
        writer.Tell(new RemoveUnitFile(name, PodUid));
        writer.Tell(new WriteUnitFile(name, Unit("next-pod"), "next-pod"));
        Systemd.ReleaseReloads();

        ExpectMsg<UnitFileWritten>();
        ExpectMsg<UnitFileRemoved>();
        ExpectMsg<UnitFileWritten>();
        Assert.Equal("next-pod", KubernetesUnitMetadata.FromUnitFile(ReadUnitFile(name)!)!.PodUid);
    }

    [Fact]
    public void A_file_of_another_pod_is_neither_overwritten_nor_removed()
    {
        var writer = Sys.ActorOf(UnitFileActor.Props(Store, Systemd, loadsNewFilesWithoutReload: false));
        const string name = "vks.default.a.app.service";
        writer.Tell(new WriteUnitFile(name, Unit("old-pod"), "old-pod"));
        ExpectMsg<UnitFileWritten>();

        writer.Tell(new WriteUnitFile(name, Unit(PodUid), PodUid));
        Assert.Equal("old-pod", ExpectMsg<UnitFileOwnedByAnotherPod>().OwnerUid);
        writer.Tell(new RemoveUnitFile(name, PodUid));
        ExpectMsg<UnitFileOwnedByAnotherPod>();
        Assert.Equal("old-pod", KubernetesUnitMetadata.FromUnitFile(ReadUnitFile(name)!)!.PodUid);
        Assert.Equal(1, Systemd.CountOf("reload"));

        writer.Tell(new RemoveUnitFile(name, "old-pod"));
        ExpectMsg<UnitFileRemoved>();
        Assert.False(UnitFileExists(name));
        Assert.Equal(2, Systemd.CountOf("reload"));
    }

    [Fact]
    public void Removing_a_file_that_is_not_there_needs_no_reload()
    {
        var writer = Sys.ActorOf(UnitFileActor.Props(Store, Systemd, loadsNewFilesWithoutReload: false));

        writer.Tell(new RemoveUnitFile("vks.default.a.app.service", PodUid));

        ExpectMsg<UnitFileRemoved>();
        Assert.Equal(0, Systemd.CountOf("reload"));
    }

    [Fact]
    public void A_file_vks_cannot_read_under_its_name_is_replaced()
    {
        const string name = "vks.default.a.app.service";
        File.WriteAllText(Path.Combine(Store.Directory, name), "not a unit file\n");
        var writer = Sys.ActorOf(UnitFileActor.Props(Store, Systemd, loadsNewFilesWithoutReload: false));

        writer.Tell(new WriteUnitFile(name, Unit(PodUid), PodUid));

        ExpectMsg<UnitFileWritten>();
        Assert.Equal(PodUid, KubernetesUnitMetadata.FromUnitFile(ReadUnitFile(name)!)!.PodUid);
    }

    [Fact]
    public void On_a_systemd_that_finds_new_files_only_a_file_for_a_loaded_unit_is_reloaded()
    {
        var writer = Sys.ActorOf(UnitFileActor.Props(Store, Systemd, loadsNewFilesWithoutReload: true));

        writer.Tell(new WriteUnitFile("vks.default.a.new.service", Unit(PodUid), PodUid));
        ExpectMsg<UnitFileWritten>();
        writer.Tell(new RemoveUnitFile("vks.default.a.new.service", PodUid));
        ExpectMsg<UnitFileRemoved>();
        Assert.Equal(0, Systemd.CountOf("reload"));

        // Loaded (a predecessor of the same name, or a container being replaced): systemd keeps the old definition.
        Systemd.Change("vks.default.a.loaded.service", state => state);
        writer.Tell(new WriteUnitFile("vks.default.a.loaded.service", Unit(PodUid), PodUid));
        ExpectMsg<UnitFileWritten>();
        Assert.Equal(1, Systemd.CountOf("reload"));
    }

    private static UnitFile Unit(string podUid) => new(
    [
        new UnitSection("Service", [UnitDirective.Exec("ExecStart", new ExecCommand("/bin/sh", ["-c", "sleep infinity"]))]),
        new KubernetesUnitMetadata("default", "a", podUid, "app", IsInitContainer: false, "/bin/sh").ToSection(),
    ]);
}
