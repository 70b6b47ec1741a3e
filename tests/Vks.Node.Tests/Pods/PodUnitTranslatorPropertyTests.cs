// Hostile names, commands, args and env values. Whatever a pod holds, the translation either fails the container
// with a reason or renders a unit that parses back to exactly the sections and directives vks meant, with every
// argv element and environment value intact: no value can add a directive or a section, or leave a "%" specifier
// or "$" reference for systemd to expand (the decoders refuse both).
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using k8s.Models;
using Vks.Node.Pods;
using Vks.Systemd.Units;

namespace Vks.Node.Tests.Pods;

public sealed class PodUnitTranslatorPropertyTests
{
    private const int Runs = 300;

    private static readonly string[] AllowedServiceKeys =
    [
        "Type", "ExecStart", "Environment", "Restart", "RestartSec", "KillMode", "TimeoutStopSec", "SendSIGKILL",
        "OOMPolicy", "StandardOutput", "StandardError", "SyslogIdentifier", "LogExtraFields",
        "LogRateLimitIntervalSec", "LogRateLimitBurst", "CPUAccounting", "MemoryAccounting",
    ];

    [Property(MaxTest = Runs)]
    public Property Args_and_env_values_reach_the_process_verbatim() =>
        Prop.ForAll(HostileStrings.Representable, HostileStrings.Representable, HostileStrings.Representable, (first, second, value) =>
        {
            var pod = TestPods.Pod("p", TestPods.Container("c", "/usr/bin/env", args: [first, "", second], env: [("VALUE", value), ("COPY", "$(VALUE)")]));

            var unit = Render(PodUnitTranslator.Translate(pod, "c", TestPods.Context()));

            // Kubernetes expands $(VAR) in env values and args; what reaches the process is the expanded text.
            var expanded = KubernetesExpansion.Expand(value, _ => null);
            string? Lookup(string name) => name is "VALUE" or "COPY" ? expanded : null;
            var command = SystemdEscaping.ParseCommandLine(Assert.Single(unit.FindSection("Service")!.ValuesOf("ExecStart")));
            Assert.Equal("/usr/bin/env", command.Executable);
            Assert.Equal([KubernetesExpansion.Expand(first, Lookup), "", KubernetesExpansion.Expand(second, Lookup)], command.Arguments);
            var environment = EnvironmentOf(unit);
            Assert.Equal(expanded, environment["VALUE"]);
            Assert.Equal(expanded, environment["COPY"]);
        });

    [Property(MaxTest = Runs)]
    public Property Hostile_executables_run_verbatim_or_fail_the_container() =>
        Prop.ForAll(HostileStrings.Any, tail =>
        {
            var executable = "/opt/" + tail;
            var translation = PodUnitTranslator.Translate(
                TestPods.Pod("p", TestPods.Container("c", "/usr/bin/env", command: [executable])), "c", TestPods.Context());

            var expanded = KubernetesExpansion.Expand(executable, _ => null);
            var unfit = HostileStrings.HasNulOrLoneSurrogate(expanded) || expanded.EndsWith('/')
                || expanded.Any(c => c < 0x20 || c == 0x7f || c is '"' or '\'' or '\\' or '$');
            if (unfit)
            {
                Assert.Equal(TranslationFailure.CreateContainerConfigError, TestPods.Failure(translation).Reason);
                return;
            }

            var command = SystemdEscaping.ParseCommandLine(Assert.Single(Render(translation).FindSection("Service")!.ValuesOf("ExecStart")));
            Assert.Equal(expanded, command.Executable);
            Assert.Empty(command.Arguments);
        });

    [Property(MaxTest = Runs)]
    public Property Hostile_names_are_kept_in_X_Kubernetes_or_fail_the_container() =>
        Prop.ForAll(HostileStrings.Any, HostileStrings.Any, HostileStrings.Any, (podNamespace, podName, containerName) =>
        {
            podNamespace = "n" + podNamespace;
            podName = "p" + podName;
            var pod = TestPods.Pod(podName, TestPods.Container(containerName, "/usr/bin/env"), podNamespace: podNamespace);

            var translation = PodUnitTranslator.Translate(pod, containerName, TestPods.Context());

            // Description= and SyslogIdentifier= are plain values: no control characters, and the container name
            // (which ends the description) may not be empty, start or end with a space or end with a backslash.
            var unfit = new[] { podNamespace, podName, containerName }.Any(s => HostileStrings.HasNulOrLoneSurrogate(s) || s.Any(c => c < 0x20 || c == 0x7f))
                || containerName.Length == 0 || containerName.StartsWith(' ') || containerName.EndsWith(' ') || containerName.EndsWith('\\');
            if (unfit)
            {
                Assert.Equal(TranslationFailure.CreateContainerConfigError, TestPods.Failure(translation).Reason);
                return;
            }

            var unit = Render(translation);
            Assert.Equal(
                new KubernetesUnitMetadata(podNamespace, podName, TestPods.Uid, containerName, IsInitContainer: false, "/usr/bin/env"),
                KubernetesUnitMetadata.FromUnitFile(unit));
            Assert.Equal(
                $"Pod {podNamespace}/{podName}, container {containerName}",
                SystemdEscaping.ParsePlainValue(Assert.Single(unit.FindSection("Unit")!.ValuesOf("Description"))));
            Assert.Equal(containerName, SystemdEscaping.ParsePlainValue(Assert.Single(unit.FindSection("Service")!.ValuesOf("SyslogIdentifier"))));
            Assert.True(SystemdEscaping.IsValidUnitName(((ContainerUnit)translation).UnitName));
        });

    [Property(MaxTest = Runs)]
    public Property A_hostile_pod_UID_becomes_exactly_one_journal_field_or_fails_the_container() =>
        Prop.ForAll(HostileStrings.Any, tail =>
        {
            var uid = "u" + tail;
            var pod = TestPods.Pod("p", TestPods.Container("c", "/usr/bin/env"));
            pod.Metadata.Uid = uid;

            var translation = PodUnitTranslator.Translate(pod, "c", TestPods.Context());

            if (HostileStrings.HasNulOrLoneSurrogate(uid))
            {
                Assert.Equal(TranslationFailure.CreateContainerConfigError, TestPods.Failure(translation).Reason);
                return;
            }

            // systemd reads LogExtraFields= as words (unquoted, C-unescaped, specifiers expanded), like the decoder.
            var field = Assert.Single(Render(translation).FindSection("Service")!.ValuesOf("LogExtraFields"));
            Assert.Equal(PodUnitTranslator.PodUidJournalField + "=" + uid, SystemdEscaping.ParseWord(field));
        });

    [Property(MaxTest = Runs)]
    public Property Env_names_systemd_refuses_fail_the_container() =>
        Prop.ForAll(HostileStrings.Any, name =>
        {
            var translation = PodUnitTranslator.Translate(
                TestPods.Pod("p", TestPods.Container("c", "/usr/bin/env", env: [(name, "x")])), "c", TestPods.Context());

            if (!SystemdEscaping.IsValidEnvironmentName(name))
            {
                Assert.Contains("not one systemd accepts", TestPods.Failure(translation).Message, StringComparison.Ordinal);
                return;
            }

            Assert.Equal("x", EnvironmentOf(Render(translation))[name]);
        });

    // Renders and parses the unit back, and checks its shape: exactly the three sections, and in [Service] only
    // the keys vks writes for such a pod.
    private static UnitFile Render(UnitTranslation translation)
    {
        var parsed = UnitFile.Parse(TestPods.Unit(translation).Unit.Render());
        Assert.Equal(["Unit", "Service", KubernetesUnitMetadata.SectionName], parsed.Sections.Select(s => s.Name));
        Assert.Equal(["Description", "StartLimitIntervalSec"], parsed.Sections[0].Directives.Select(d => d.Key));
        Assert.All(parsed.Sections[1].Directives, d => Assert.Contains(d.Key, AllowedServiceKeys));
        Assert.Single(parsed.Sections[1].ValuesOf("ExecStart"));
        return parsed;
    }

    private static Dictionary<string, string> EnvironmentOf(UnitFile unit) =>
        unit.FindSection("Service")!.ValuesOf("Environment").Select(SystemdEscaping.ParseEnvironmentAssignment).ToDictionary(StringComparer.Ordinal);
}
