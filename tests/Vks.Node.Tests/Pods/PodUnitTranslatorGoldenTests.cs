// Representative pods rendered to exact unit text. A change here is a change of what runs on every node: read the
// diff as carefully as a change to docs/unit-mapping.md. The units with executables this machine has also go
// through `systemd-analyze verify`, which must accept them without a single warning.
using System.Runtime.Versioning;
using k8s.Models;
using Vks.Node.Pods;
using Vks.Systemd.Units;

namespace Vks.Node.Tests.Pods;

[SupportedOSPlatform("linux")]
public sealed class PodUnitTranslatorGoldenTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("vks-node-units-");

    public void Dispose() => _directory.Delete(recursive: true);

    // The seed's example: image "uptimed", no command, so the package's unit supplies the entrypoint.
    private static ContainerUnit Uptimed() => TestPods.Unit(PodUnitTranslator.Translate(
        TestPods.Pod("uptimed", TestPods.Container("uptimed", "uptimed")), "uptimed", TestPods.Context(TestPods.UptimedUnit)));

    private const string UptimedText = """
        [Unit]
        Description=Pod default/uptimed, container uptimed
        StartLimitIntervalSec=0

        [Service]
        Type=notify
        ExecStart=/usr/sbin/uptimed -f
        ExecStartPre=/usr/sbin/uptimed -b
        ProtectSystem=strict
        ReadWritePaths=/var/spool/uptimed
        PrivateTmp=yes
        Environment=HOSTNAME=node-1
        Environment=KUBERNETES_SERVICE_HOST=10.0.0.1
        Environment=KUBERNETES_SERVICE_PORT=6443
        Restart=always
        RestartSec=10s
        KillMode=mixed
        TimeoutStopSec=30s
        SendSIGKILL=yes
        OOMPolicy=stop
        StandardOutput=journal
        StandardError=journal
        SyslogIdentifier=uptimed
        LogExtraFields=VKS_POD_UID=6f1c1c9e-1b7e-4a55-9d57-0d3f2f8c7a11
        LogRateLimitIntervalSec=1s
        LogRateLimitBurst=1000000
        CPUAccounting=yes
        MemoryAccounting=yes

        [X-Kubernetes]
        Namespace=default
        PodName=uptimed
        PodUID=6f1c1c9e-1b7e-4a55-9d57-0d3f2f8c7a11
        ContainerName=uptimed
        InitContainer=no
        Image=uptimed

        """;

    // A run-to-completion pod: bash with a command and args, $(VAR) expansion and a short grace period.
    private static ContainerUnit BashJob()
    {
        var container = TestPods.Container(
            "main",
            "bash",
            command: ["bash", "-c"],
            args: ["echo \"$(GREETING), $$(NOT_EXPANDED) $HOME\" 100% && exit 3"],
            ("GREETING", "hello world"),
            ("NAME", "$(GREETING)!"));
        container.WorkingDir = "/tmp";
        var pod = TestPods.Pod("job", container, restartPolicy: "Never", podNamespace: "batch");
        pod.Spec.TerminationGracePeriodSeconds = 5;
        return TestPods.Unit(PodUnitTranslator.Translate(pod, "main", TestPods.Context()));
    }

    private const string BashJobText = """
        [Unit]
        Description=Pod batch/job, container main
        StartLimitIntervalSec=0

        [Service]
        Type=exec
        ExecStart=/usr/bin/bash -c "echo \"hello world, $$(NOT_EXPANDED) $$HOME\" 100%% && exit 3"
        Environment=HOSTNAME=node-1
        Environment=KUBERNETES_SERVICE_HOST=10.0.0.1
        Environment=KUBERNETES_SERVICE_PORT=6443
        Environment="GREETING=hello world"
        Environment="NAME=hello world!"
        WorkingDirectory=/tmp
        Restart=no
        RemainAfterExit=yes
        KillMode=mixed
        TimeoutStopSec=5s
        SendSIGKILL=yes
        OOMPolicy=stop
        StandardOutput=journal
        StandardError=journal
        SyslogIdentifier=main
        LogExtraFields=VKS_POD_UID=6f1c1c9e-1b7e-4a55-9d57-0d3f2f8c7a11
        LogRateLimitIntervalSec=1s
        LogRateLimitBurst=1000000
        CPUAccounting=yes
        MemoryAccounting=yes

        [X-Kubernetes]
        Namespace=batch
        PodName=job
        PodUID=6f1c1c9e-1b7e-4a55-9d57-0d3f2f8c7a11
        ContainerName=main
        InitContainer=no
        Image=bash

        """;

    // An init container whose image is a binary path, in a pod that restarts on failure: init containers never
    // restart in systemd.
    private static ContainerUnit InitContainer()
    {
        var pod = TestPods.Pod("web", TestPods.Container("app", "nginx"), restartPolicy: "OnFailure");
        pod.Spec.InitContainers = [TestPods.Container("wait", "/usr/bin/env", args: ["sh", "-c", "sleep 1"])];
        return TestPods.Unit(PodUnitTranslator.Translate(pod, "wait", TestPods.Context()));
    }

    private const string InitContainerText = """
        [Unit]
        Description=Pod default/web, container wait
        StartLimitIntervalSec=0

        [Service]
        Type=exec
        ExecStart=/usr/bin/env sh -c "sleep 1"
        Environment=HOSTNAME=node-1
        Environment=KUBERNETES_SERVICE_HOST=10.0.0.1
        Environment=KUBERNETES_SERVICE_PORT=6443
        Restart=no
        RemainAfterExit=yes
        KillMode=mixed
        TimeoutStopSec=30s
        SendSIGKILL=yes
        OOMPolicy=stop
        StandardOutput=journal
        StandardError=journal
        SyslogIdentifier=wait
        LogExtraFields=VKS_POD_UID=6f1c1c9e-1b7e-4a55-9d57-0d3f2f8c7a11
        LogRateLimitIntervalSec=1s
        LogRateLimitBurst=1000000
        CPUAccounting=yes
        MemoryAccounting=yes

        [X-Kubernetes]
        Namespace=default
        PodName=web
        PodUID=6f1c1c9e-1b7e-4a55-9d57-0d3f2f8c7a11
        ContainerName=wait
        InitContainer=yes
        Image=/usr/bin/env

        """;

    [Fact]
    public void Uptimed_takes_its_entrypoint_from_the_package_unit()
    {
        var unit = Uptimed();
        Assert.Equal("vks.default.uptimed.uptimed.service", unit.UnitName);
        Assert.Equal(UptimedText, unit.Unit.Render());
    }

    [Fact]
    public void A_bash_job_runs_its_expanded_command_once()
    {
        var unit = BashJob();
        Assert.Equal("vks.batch.job.main.service", unit.UnitName);
        Assert.Equal(BashJobText, unit.Unit.Render());
    }

    [Fact]
    public void An_init_container_runs_once()
    {
        var unit = InitContainer();
        Assert.Equal("vks.default.web.wait.service", unit.UnitName);
        Assert.Equal(InitContainerText, unit.Unit.Render());
    }

    [Fact]
    public void Golden_units_parse_back_to_the_same_model()
    {
        foreach (var unit in new[] { Uptimed(), BashJob(), InitContainer() })
        {
            Assert.Equal(unit.Unit.Render(), UnitFile.Parse(unit.Unit.Render()).Render());
        }
    }

    [Fact]
    public async Task Systemd_analyze_verify_accepts_the_golden_units_without_a_warning()
    {
        // uptimed is not installed here, and verify checks that executables exist.
        foreach (var unit in new[] { BashJob(), InitContainer() })
        {
            await new UnitFileStore(_directory.FullName).WriteAsync(unit.UnitName, unit.Unit);
            var result = await SystemTool.RunAsync("systemd-analyze", ["verify", "--man=no", Path.Combine(_directory.FullName, unit.UnitName)]);

            Assert.Equal("", result.StandardError);
            Assert.Equal(0, result.ExitCode);
        }
    }
}
