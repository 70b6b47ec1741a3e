using Vks.Systemd.Units;

namespace Vks.Systemd.Tests.Units;

public sealed class UnitFileGoldenTests
{
    private static readonly KubernetesUnitMetadata Metadata =
        new("default", "web-7d4b9c", "3f2a9c1e-5b6d-4e8f-9a0b-1c2d3e4f5a6b", "nginx", IsInitContainer: false, "nginx-light");

    private static UnitFile RepresentativeService() => new(
    [
        new UnitSection("Unit",
        [
            UnitDirective.Plain("Description", "Pod default/web-7d4b9c, container nginx (100% \"managed\" by vks)"),
            UnitDirective.Plain("After", "network-online.target"),
        ]),
        new UnitSection("Service",
        [
            UnitDirective.Plain("Type", "exec"),
            UnitDirective.Exec("ExecStartPre", new ExecCommand("/usr/bin/install", ["-d", "/run/vks/pods/web 7d4b9c"], IgnoreFailure: true)),
            UnitDirective.Exec("ExecStart", new ExecCommand("/usr/sbin/nginx", ["-g", "daemon off; error_log /dev/stderr;", "-c", "$HOME/%i.conf", ""])),
            UnitDirective.Environment("GREETING", "hello \"world\"\n$USER 50%"),
            UnitDirective.Environment("EMPTY", ""),
            UnitDirective.Path("WorkingDirectory", "/var/lib/vks/pods/web-7d4b9c"),
            UnitDirective.Plain("Restart", "always"),
        ]),
        Metadata.ToSection(),
    ]);

    private const string RepresentativeServiceText =
        """
        [Unit]
        Description=Pod default/web-7d4b9c, container nginx (100%% "managed" by vks)
        After=network-online.target

        [Service]
        Type=exec
        ExecStartPre=-/usr/bin/install -d "/run/vks/pods/web 7d4b9c"
        ExecStart=/usr/sbin/nginx -g "daemon off; error_log /dev/stderr;" -c "$$HOME/%%i.conf" ""
        Environment="GREETING=hello \"world\"\n$USER 50%%"
        Environment=EMPTY=
        WorkingDirectory=/var/lib/vks/pods/web-7d4b9c
        Restart=always

        [X-Kubernetes]
        Namespace=default
        PodName=web-7d4b9c
        PodUID=3f2a9c1e-5b6d-4e8f-9a0b-1c2d3e4f5a6b
        ContainerName=nginx
        InitContainer=no
        Image=nginx-light

        """;

    [Fact]
    public void Representative_service_renders_to_the_expected_text() =>
        Assert.Equal(RepresentativeServiceText, RepresentativeService().Render());

    [Fact]
    public void Representative_service_text_parses_back_to_the_same_directives()
    {
        var parsed = UnitFile.Parse(RepresentativeServiceText);
        var expected = RepresentativeService();

        Assert.Equal(expected.Sections.Select(s => s.Name), parsed.Sections.Select(s => s.Name));
        for (var i = 0; i < expected.Sections.Count; i++)
        {
            Assert.Equal(expected.Sections[i].Directives, parsed.Sections[i].Directives);
        }

        Assert.Equal(Metadata, KubernetesUnitMetadata.FromUnitFile(parsed));
        var start = SystemdEscaping.ParseCommandLine(Assert.Single(parsed.FindSection("Service")!.ValuesOf("ExecStart")));
        Assert.Equal(["-g", "daemon off; error_log /dev/stderr;", "-c", "$HOME/%i.conf", ""], start.Arguments);
    }

    [Fact]
    public void Init_container_metadata_is_written_as_yes()
    {
        var section = (Metadata with { IsInitContainer = true, Image = "busybox" }).ToSection();

        Assert.Equal("yes", Assert.Single(section.ValuesOf("InitContainer")));
        Assert.True(KubernetesUnitMetadata.FromUnitFile(new UnitFile([section]))!.IsInitContainer);
    }

    [Fact]
    public void A_unit_without_the_kubernetes_section_has_no_metadata() =>
        Assert.Null(KubernetesUnitMetadata.FromUnitFile(UnitFile.Parse("[Unit]\nDescription=not ours\n")));

    [Theory]
    [InlineData("[X-Kubernetes]\nNamespace=a\nPodName=b\nPodUID=c\nContainerName=d\nImage=e\n", "no InitContainer")]
    [InlineData("[X-Kubernetes]\nNamespace=a\nNamespace=z\nPodName=b\nPodUID=c\nContainerName=d\nInitContainer=no\nImage=e\n", "more than one Namespace")]
    [InlineData("[X-Kubernetes]\nNamespace=a\nPodName=b\nPodUID=c\nContainerName=d\nInitContainer=maybe\nImage=e\n", "neither yes nor no")]
    [InlineData("[X-Kubernetes]\nNamespace=a%n\nPodName=b\nPodUID=c\nContainerName=d\nInitContainer=no\nImage=e\n", "specifier")]
    public void Malformed_kubernetes_sections_are_rejected(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => KubernetesUnitMetadata.FromUnitFile(UnitFile.Parse(text)));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_kubernetes_keys_are_ignored()
    {
        var text = Metadata.ToSection().Directives.Aggregate("[X-Kubernetes]\nSchemaFromTheFuture=2\n", (t, d) => t + d.Key + "=" + d.Value + "\n");

        Assert.Equal(Metadata, KubernetesUnitMetadata.FromUnitFile(UnitFile.Parse(text)));
    }
}
