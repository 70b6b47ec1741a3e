// Property tests for the unit-file escaping: (1) every value kind survives render -> parse unchanged, or is
// rejected with an ArgumentException exactly when the kind cannot hold it; (2) no value, escaped or raw,
// can add a directive or a section.
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vks.Systemd.Units;

namespace Vks.Systemd.Tests.Units;

public sealed class UnitFilePropertyTests
{
    private const int Runs = 400;

    [Property(MaxTest = Runs)]
    public Property Plain_values_round_trip_or_are_rejected() =>
        Prop.ForAll(HostileStrings.Any, value =>
        {
            if (HostileStrings.UnfitForPlainValue(value))
            {
                Assert.Throws<ArgumentException>(() => UnitDirective.Plain("Description", value));
                return;
            }

            var parsed = RoundTrip(new UnitSection("Unit", [UnitDirective.Plain("Description", value)]));
            Assert.Equal(value, SystemdEscaping.ParsePlainValue(Assert.Single(parsed.Sections[0].ValuesOf("Description"))));
        });

    [Property(MaxTest = Runs)]
    public Property Command_line_arguments_round_trip_or_are_rejected() =>
        Prop.ForAll(HostileStrings.Any, HostileStrings.Any, (first, second) =>
        {
            var command = new ExecCommand("/usr/bin/env", ["--", first, "", second]);
            if (HostileStrings.HasNulOrLoneSurrogate(first) || HostileStrings.HasNulOrLoneSurrogate(second))
            {
                Assert.Throws<ArgumentException>(() => UnitDirective.Exec("ExecStart", command));
                return;
            }

            var parsed = RoundTrip(new UnitSection("Service", [UnitDirective.Exec("ExecStart", command)]));
            var back = SystemdEscaping.ParseCommandLine(Assert.Single(parsed.Sections[0].ValuesOf("ExecStart")));
            Assert.Equal(command.Executable, back.Executable);
            Assert.Equal(command.Arguments, back.Arguments);
            Assert.False(back.IgnoreFailure);
        });

    [Property(MaxTest = Runs)]
    public Property Executables_round_trip_or_are_rejected() =>
        Prop.ForAll(HostileStrings.Any, tail =>
        {
            var executable = "/opt/" + tail;
            var command = new ExecCommand(executable, [], IgnoreFailure: true);
            var unfit = HostileStrings.HasNulOrLoneSurrogate(executable) || executable.EndsWith('/')
                || executable.Any(c => c < 0x20 || c == 0x7f || c is '"' or '\'' or '\\' or '$');
            if (unfit)
            {
                Assert.Throws<ArgumentException>(() => UnitDirective.Exec("ExecStartPre", command));
                return;
            }

            var parsed = RoundTrip(new UnitSection("Service", [UnitDirective.Exec("ExecStartPre", command)]));
            var back = SystemdEscaping.ParseCommandLine(Assert.Single(parsed.Sections[0].ValuesOf("ExecStartPre")));
            Assert.Equal(executable, back.Executable);
            Assert.Empty(back.Arguments);
            Assert.True(back.IgnoreFailure);
        });

    [Property(MaxTest = Runs)]
    public Property Environment_values_round_trip_or_are_rejected() =>
        Prop.ForAll(HostileStrings.Any, value =>
        {
            if (HostileStrings.HasNulOrLoneSurrogate(value))
            {
                Assert.Throws<ArgumentException>(() => UnitDirective.Environment("VKS_VALUE", value));
                return;
            }

            var parsed = RoundTrip(new UnitSection("Service", [UnitDirective.Environment("VKS_VALUE", value)]));
            var assignment = SystemdEscaping.ParseEnvironmentAssignment(Assert.Single(parsed.Sections[0].ValuesOf("Environment")));
            Assert.Equal("VKS_VALUE", assignment.Key);
            Assert.Equal(value, assignment.Value);
        });

    [Property(MaxTest = Runs)]
    public Property Environment_names_outside_systemds_rules_are_rejected() =>
        Prop.ForAll(HostileStrings.Any, name =>
        {
            var valid = name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
            if (!valid)
            {
                Assert.Throws<ArgumentException>(() => UnitDirective.Environment(name, "value"));
                return;
            }

            var parsed = RoundTrip(new UnitSection("Service", [UnitDirective.Environment(name, "value")]));
            Assert.Equal(name, SystemdEscaping.ParseEnvironmentAssignment(parsed.Sections[0].Directives[0].Value).Key);
        });

    [Property(MaxTest = Runs)]
    public Property Kubernetes_metadata_round_trips_or_is_rejected() =>
        Prop.ForAll(HostileStrings.Any, HostileStrings.Any, (value, other) =>
        {
            var metadata = new KubernetesUnitMetadata(value, other, value + other, other, IsInitContainer: value.Length % 2 == 0, value);
            if (HostileStrings.HasNulOrLoneSurrogate(value) || HostileStrings.HasNulOrLoneSurrogate(other))
            {
                Assert.Throws<ArgumentException>(metadata.ToSection);
                return;
            }

            var parsed = RoundTrip(metadata.ToSection());
            Assert.Equal(metadata, KubernetesUnitMetadata.FromUnitFile(parsed));
        });

    [Property(MaxTest = Runs)]
    public Property No_escaped_value_adds_a_directive_or_a_section() =>
        Prop.ForAll(HostileStrings.Representable, value =>
        {
            var plain = HostileStrings.UnfitForPlainValue(value) ? "fixed" : value;
            var unit = new UnitFile(
            [
                new UnitSection("Unit", [UnitDirective.Plain("Description", plain), UnitDirective.Path("RequiresMountsFor", "/srv/" + plain)]),
                new UnitSection("Service",
                [
                    UnitDirective.Exec("ExecStart", new ExecCommand("/bin/echo", [value, value])),
                    UnitDirective.Environment("A", value),
                    UnitDirective.Word("SyslogIdentifier", value),
                ]),
                new KubernetesUnitMetadata(value, value, value, value, IsInitContainer: false, value).ToSection(),
            ]);

            var parsed = UnitFile.Parse(unit.Render());

            Assert.Equal(["Unit", "Service", "X-Kubernetes"], parsed.Sections.Select(s => s.Name));
            Assert.Equal(["Description", "RequiresMountsFor"], parsed.Sections[0].Directives.Select(d => d.Key));
            Assert.Equal(["ExecStart", "Environment", "SyslogIdentifier"], parsed.Sections[1].Directives.Select(d => d.Key));
            Assert.Equal(["Namespace", "PodName", "PodUID", "ContainerName", "InitContainer", "Image"], parsed.Sections[2].Directives.Select(d => d.Key));
            Assert.Equal(value, SystemdEscaping.ParseWord(parsed.Sections[1].Directives[2].Value));
            Assert.Equal("/srv/" + plain, SystemdEscaping.ParsePlainValue(parsed.Sections[0].Directives[1].Value));
        });

    [Property(MaxTest = Runs)]
    public Property No_raw_value_adds_a_directive_or_a_section() =>
        Prop.ForAll(HostileStrings.Any, raw =>
        {
            UnitDirective directive;
            try
            {
                directive = new UnitDirective("Description", raw);
            }
            catch (ArgumentException)
            {
                // Refused: it can never be rendered.
                Assert.True(HostileStrings.UnfitForPlainValue(raw), $"'{raw}' was refused although it is harmless");
                return;
            }

            var parsed = UnitFile.Parse(new UnitFile(
                [new UnitSection("Unit", [directive, new UnitDirective("After", "network.target")]), new UnitSection("Service", [])]).Render());

            Assert.Equal(["Unit", "Service"], parsed.Sections.Select(s => s.Name));
            Assert.Equal([new UnitDirective("Description", raw), new UnitDirective("After", "network.target")], parsed.Sections[0].Directives);
            Assert.Empty(parsed.Sections[1].Directives);
        });

    [Property(MaxTest = Runs)]
    public Property Unit_name_parts_round_trip_through_systemd_escape_rules() =>
        Prop.ForAll(HostileStrings.Any, value =>
        {
            if (HostileStrings.HasNulOrLoneSurrogate(value))
            {
                Assert.Throws<ArgumentException>(() => SystemdEscaping.EscapeUnitNamePart(value));
                return;
            }

            var escaped = SystemdEscaping.EscapeUnitNamePart(value);
            Assert.All(escaped, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is ':' or '_' or '.' or '\\' or '-', $"'{c}' in {escaped}"));
            Assert.False(escaped.StartsWith('.'));
            Assert.Equal(value, SystemdEscaping.UnescapeUnitNamePart(escaped));
            if (value.Length > 0 && escaped.Length <= 200)
            {
                Assert.True(SystemdEscaping.IsValidUnitName("vks-" + escaped + ".service"));
            }
        });

    private static UnitFile RoundTrip(UnitSection section) => UnitFile.Parse(new UnitFile([section]).Render());
}
