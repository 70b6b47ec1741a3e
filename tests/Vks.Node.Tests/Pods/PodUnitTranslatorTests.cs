// How pod spec fields become directives, and which specs fail the container with which reason.
using k8s.Models;
using Vks.Node.Pods;
using Vks.Systemd.Units;

namespace Vks.Node.Tests.Pods;

public sealed class PodUnitTranslatorTests
{
    private static UnitFile Translate(V1Pod pod, string container, PodUnitContext? context = null) =>
        TestPods.Unit(PodUnitTranslator.Translate(pod, container, context ?? TestPods.Context())).Unit;

    private static string[] Values(UnitFile unit, string key) =>
        unit.FindSection("Service")!.ValuesOf(key).ToArray();

    private static ExecCommand ExecStart(UnitFile unit) => SystemdEscaping.ParseCommandLine(Assert.Single(Values(unit, "ExecStart")));

    private static Dictionary<string, string> Environment(UnitFile unit) =>
        Values(unit, "Environment").Select(SystemdEscaping.ParseEnvironmentAssignment).ToDictionary(StringComparer.Ordinal);

    [Theory]
    [InlineData(null, "always")]
    [InlineData("Always", "always")]
    [InlineData("OnFailure", "on-failure")]
    [InlineData("Never", "no")]
    public void Maps_restartPolicy_to_Restart(string? policy, string restart)
    {
        var unit = Translate(TestPods.Pod("p", TestPods.Container("c", "/usr/bin/env"), policy), "c");

        Assert.Equal([restart], Values(unit, "Restart"));
        Assert.Equal(restart == "no" ? [] : ["10s"], Values(unit, "RestartSec"));
        Assert.Equal(restart == "no" ? ["yes"] : [], Values(unit, "RemainAfterExit"));
        Assert.Equal(restart == "on-failure" ? ["SIGHUP SIGINT SIGTERM SIGPIPE"] : [], Values(unit, "RestartForceExitStatus"));
    }

    [Fact]
    public void Writes_the_back_off_in_force()
    {
        var context = new PodUnitContext
        {
            Hostname = "node-1",
            ApiServerHost = "10.0.0.1",
            ApiServerPort = 6443,
            ResolveExecutable = _ => null,
            RestartDelay = TimeSpan.FromSeconds(80),
        };

        Assert.Equal(["80s"], Values(Translate(TestPods.Pod("p", TestPods.Container("c", "/usr/bin/env")), "c", context), "RestartSec"));
    }

    [Theory]
    [InlineData(null, "30s")]
    [InlineData(0L, "2s")]
    [InlineData(1L, "2s")]
    [InlineData(45L, "45s")]
    [InlineData(long.MaxValue, "2147483647s")]
    public void Maps_terminationGracePeriodSeconds_to_TimeoutStopSec(long? grace, string expected)
    {
        var pod = TestPods.Pod("p", TestPods.Container("c", "/usr/bin/env"));
        pod.Spec.TerminationGracePeriodSeconds = grace;

        Assert.Equal([expected], Values(Translate(pod, "c"), "TimeoutStopSec"));
    }

    [Fact]
    public void Args_alone_replace_the_arguments_of_the_package_entrypoint()
    {
        var unit = Translate(
            TestPods.Pod("p", TestPods.Container("c", "uptimed", args: ["-f", "-i", "$(INTERVAL)"], env: [("INTERVAL", "60")])),
            "c",
            TestPods.Context(TestPods.UptimedUnit));

        var command = ExecStart(unit);
        Assert.Equal("/usr/sbin/uptimed", command.Executable);
        Assert.Equal(["-f", "-i", "60"], command.Arguments);
        // The package's other directives still apply: its entrypoint still runs.
        Assert.Equal(["notify"], Values(unit, "Type"));
        Assert.Equal(["/usr/sbin/uptimed -b"], Values(unit, "ExecStartPre"));
    }

    [Fact]
    public void A_command_replaces_the_package_unit_entirely()
    {
        var unit = Translate(
            TestPods.Pod("p", TestPods.Container("c", "uptimed", command: ["/usr/sbin/uptimed", "-f"])),
            "c",
            TestPods.Context(TestPods.UptimedUnit));

        Assert.Equal(["exec"], Values(unit, "Type"));
        Assert.Empty(Values(unit, "ExecStartPre"));
        Assert.Empty(Values(unit, "ProtectSystem"));
    }

    [Fact]
    public void Resolves_a_bare_command_name_through_the_context()
    {
        var unit = Translate(TestPods.Pod("p", TestPods.Container("c", "bash", command: ["sh", "-c", "true"])), "c");

        Assert.Equal(new ExecCommand("/bin/sh", ["-c", "true"]), ExecStart(unit), ExecCommandComparer.Instance);
    }

    [Fact]
    public void A_binary_path_image_runs_that_binary_with_the_args()
    {
        var unit = Translate(TestPods.Pod("p", TestPods.Container("c", "/usr/bin/env", args: ["sleep", "5"])), "c");

        Assert.Equal(new ExecCommand("/usr/bin/env", ["sleep", "5"]), ExecStart(unit), ExecCommandComparer.Instance);
    }

    [Fact]
    public void Sets_HOSTNAME_and_the_API_server_and_lets_the_container_override_them()
    {
        var unit = Translate(
            TestPods.Pod("p", TestPods.Container("c", "/usr/bin/env",
                args: ["$(KUBERNETES_SERVICE_HOST):$(KUBERNETES_SERVICE_PORT)", "$(HOSTNAME)"],
                env: [("API", "https://$(KUBERNETES_SERVICE_HOST):$(KUBERNETES_SERVICE_PORT)"), ("KUBERNETES_SERVICE_PORT", "443")])),
            "c");

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["HOSTNAME"] = "node-1",
                ["KUBERNETES_SERVICE_HOST"] = "10.0.0.1",
                ["API"] = "https://10.0.0.1:6443",
                ["KUBERNETES_SERVICE_PORT"] = "443",
            },
            Environment(unit));
        // Like kubelet: HOSTNAME is the runtime's and cannot be referenced; later definitions win for the command.
        Assert.Equal(["10.0.0.1:443", "$(HOSTNAME)"], ExecStart(unit).Arguments);
        Assert.Single(Values(unit, "Environment"), v => v.StartsWith("KUBERNETES_SERVICE_PORT=", StringComparison.Ordinal));
    }

    [Fact]
    public void Env_values_see_only_the_variables_defined_before_them()
    {
        var unit = Translate(
            TestPods.Pod("p", TestPods.Container("c", "/usr/bin/env", env: [("A", "$(B)"), ("B", "b"), ("C", "$(B)$(A)"), ("A", "again")])),
            "c");

        var environment = Environment(unit);
        Assert.Equal("again", environment["A"]);
        Assert.Equal("b$(B)", environment["C"]);
        // A redefinition keeps the variable's first place.
        Assert.Equal(["A", "B", "C"], Values(unit, "Environment").Select(v => SystemdEscaping.ParseEnvironmentAssignment(v).Key).Skip(3));
    }

    [Fact]
    public void Writes_no_directive_for_resources()
    {
        var container = TestPods.Container("c", "/usr/bin/env");
        container.Resources = new V1ResourceRequirements
        {
            Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("64Mi"), ["cpu"] = new("500m") },
            Requests = new Dictionary<string, ResourceQuantity> { ["memory"] = new("32Mi"), ["cpu"] = new("250m") },
        };

        var resources = Translate(TestPods.Pod("p", container), "c");
        var plain = Translate(TestPods.Pod("p", TestPods.Container("c", "/usr/bin/env")), "c");

        Assert.Empty(Values(resources, "MemoryMax"));
        Assert.Empty(Values(resources, "CPUQuota"));
        Assert.Equal(plain.Render(), resources.Render());
    }

    public static TheoryData<string, string> RunAsFields() => new()
    {
        { "pod", "runAsUser" },
        { "pod", "runAsGroup" },
        { "pod", "runAsNonRoot" },
        { "container", "runAsUser" },
        { "container", "runAsGroup" },
        { "container", "runAsNonRoot" },
    };

    // Running as the package's user (or root) when the spec asks for another one would be a silent downgrade.
    [Theory]
    [MemberData(nameof(RunAsFields))]
    public void Fails_a_container_whose_securityContext_asks_for_a_user(string level, string field)
    {
        var container = TestPods.Container("c", "foo");
        var pod = TestPods.Pod("p", container);
        if (level == "pod")
        {
            pod.Spec.SecurityContext = field switch
            {
                "runAsUser" => new V1PodSecurityContext { RunAsUser = 1000 },
                "runAsGroup" => new V1PodSecurityContext { RunAsGroup = 1000 },
                _ => new V1PodSecurityContext { RunAsNonRoot = true },
            };
        }
        else
        {
            container.SecurityContext = field switch
            {
                "runAsUser" => new V1SecurityContext { RunAsUser = 1000 },
                "runAsGroup" => new V1SecurityContext { RunAsGroup = 1000 },
                _ => new V1SecurityContext { RunAsNonRoot = true },
            };
        }

        var failure = TestPods.Failure(PodUnitTranslator.Translate(pod, "c", TestPods.Context("[Service]\nExecStart=/usr/bin/foo\nUser=foo\n")));

        Assert.Equal(TranslationFailure.CreateContainerConfigError, failure.Reason);
        Assert.Equal(
            "securityContext runAsUser/runAsGroup/runAsNonRoot is not supported by vks yet; the container would run as the package unit's user (root when it names none).",
            failure.Message);
    }

    [Fact]
    public void Ignores_the_other_securityContext_fields_and_runAsNonRoot_false()
    {
        var container = TestPods.Container("c", "/usr/bin/env");
        container.SecurityContext = new V1SecurityContext { Privileged = false, ReadOnlyRootFilesystem = true, RunAsNonRoot = false };
        var pod = TestPods.Pod("p", container);
        pod.Spec.SecurityContext = new V1PodSecurityContext { FsGroup = 1000, RunAsNonRoot = false };

        var unit = Translate(pod, "c");

        Assert.Equal(Translate(TestPods.Pod("p", TestPods.Container("c", "/usr/bin/env")), "c").Render(), unit.Render());
    }

    [Fact]
    public void Writes_no_Type_oneshot_restart_conflict_for_OnFailure()
    {
        var unit = Translate(
            TestPods.Pod("p", TestPods.Container("c", "foo"), "OnFailure"),
            "c",
            TestPods.Context("[Service]\nType=oneshot\nExecStart=/usr/bin/foo\n"));

        Assert.Equal(["oneshot"], Values(unit, "Type"));
        Assert.Equal(["on-failure"], Values(unit, "Restart"));
    }

    public static TheoryData<V1Pod, string, PodUnitContext, string, string> Failures()
    {
        static V1Pod Pod(V1Container container, string? policy = null) => TestPods.Pod("p", container, policy);

        var sidecar = Pod(TestPods.Container("app", "/usr/bin/env"));
        var sidecarContainer = TestPods.Container("log", "/usr/bin/env");
        sidecarContainer.RestartPolicy = "Always";
        sidecar.Spec.InitContainers = [sidecarContainer];

        var valueFrom = TestPods.Container("c", "/usr/bin/env");
        valueFrom.Env = [new V1EnvVar { Name = "SECRET", ValueFrom = new V1EnvVarSource() }];
        var envFrom = TestPods.Container("c", "/usr/bin/env");
        envFrom.EnvFrom = [new V1EnvFromSource()];
        var relativeDir = TestPods.Container("c", "/usr/bin/env");
        relativeDir.WorkingDir = "data";
        var noNamespace = Pod(TestPods.Container("c", "/usr/bin/env"));
        noNamespace.Metadata.NamespaceProperty = null;

        var context = TestPods.Context();
        var oneshot = TestPods.Context("[Service]\nType=oneshot\nExecStart=/usr/bin/foo\n");
        var noEntrypoint = TestPods.Context("[Service]\nExecStart=${FOO}\n");
        var named = TestPods.Context("[Service]\nExecStart=/usr/bin/foo %i\n");
        var invalid = TestPods.InvalidImage;
        var config = TranslationFailure.CreateContainerConfigError;
        return new TheoryData<V1Pod, string, PodUnitContext, string, string>
        {
            { Pod(TestPods.Container("c", "docker.io/nginx:1.2")), "c", context, invalid, "container registry" },
            { Pod(TestPods.Container("c", "Foo")), "c", context, invalid, "lower case" },
            { Pod(TestPods.Container("c", "foo")), "c", context, config, "ships no systemd service unit" },
            { Pod(TestPods.Container("c", "foo", args: ["x"])), "c", noEntrypoint, config, "quoted, escaped or expanded" },
            { Pod(TestPods.Container("c", "foo")), "c", named, config, "%i in ExecStart=" },
            { Pod(TestPods.Container("c", "foo"), "Always"), "c", oneshot, config, "Type=oneshot" },
            { Pod(TestPods.Container("c", "bash", command: ["nonexistent"])), "c", context, config, "'nonexistent' was not found" },
            { Pod(TestPods.Container("c", "bash", command: ["./run"])), "c", context, config, "absolute path or a bare command name" },
            { Pod(TestPods.Container("c", "bash", command: [""])), "c", context, config, "absolute path or a bare command name" },
            { Pod(TestPods.Container("c", "bash", command: ["/bin/$(X)\"q"])), "c", context, config, "cannot be written as a systemd unit" },
            { Pod(TestPods.Container("c", "/usr/bin/env", args: ["a\0b"])), "c", context, config, "NUL" },
            { Pod(TestPods.Container("c", "/usr/bin/env", env: [("my.var", "x")])), "c", context, config, "'my.var'" },
            { Pod(TestPods.Container("c", "/usr/bin/env", env: [("1X", "x")])), "c", context, config, "'1X'" },
            { Pod(valueFrom), "c", context, config, "env valueFrom is not supported yet (variable 'SECRET')" },
            { Pod(envFrom), "c", context, config, "envFrom is not supported yet" },
            { Pod(relativeDir), "c", context, config, "workingDir 'data' must be an absolute path" },
            { sidecar, "log", context, config, "Sidecar init containers" },
            { noNamespace, "c", context, config, "no namespace, name or UID" },
        };
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public void Fails_the_container_with_a_clear_reason(V1Pod pod, string container, PodUnitContext context, string reason, string messagePart)
    {
        var failure = TestPods.Failure(PodUnitTranslator.Translate(pod, container, context));

        Assert.Equal(reason, failure.Reason);
        Assert.Contains(messagePart, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_container_that_is_not_in_the_pod_is_a_caller_error() =>
        Assert.Throws<ArgumentException>(() => PodUnitTranslator.Translate(TestPods.Pod("p", TestPods.Container("c", "foo")), "other", TestPods.Context()));

    private sealed class ExecCommandComparer : IEqualityComparer<ExecCommand>
    {
        public static readonly ExecCommandComparer Instance = new();

        public bool Equals(ExecCommand? x, ExecCommand? y) =>
            x is not null && y is not null && x.Executable == y.Executable && x.IgnoreFailure == y.IgnoreFailure && x.Arguments.SequenceEqual(y.Arguments);

        public int GetHashCode(ExecCommand obj) => obj.Executable.GetHashCode(StringComparison.Ordinal);
    }
}
