// Small builders for the pods and contexts the tests translate.
using k8s.Models;
using Vks.Node.Pods;

namespace Vks.Node.Tests;

internal static class TestPods
{
    public const string InvalidImage = Vks.Node.Pods.TranslationFailure.InvalidImageName;

    public const string Uid = "6f1c1c9e-1b7e-4a55-9d57-0d3f2f8c7a11";

    public static V1Pod Pod(string name, V1Container container, string? restartPolicy = null, string podNamespace = "default") =>
        new()
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = podNamespace, Uid = Uid },
            Spec = new V1PodSpec { Containers = [container], RestartPolicy = restartPolicy },
        };

    public static V1Container Container(string name, string image, IList<string>? command = null, IList<string>? args = null, params (string Name, string Value)[] env) =>
        new()
        {
            Name = name,
            Image = image,
            Command = command,
            Args = args,
            Env = env.Length == 0 ? null : env.Select(e => new V1EnvVar { Name = e.Name, Value = e.Value }).ToList(),
        };

    public static PodUnitContext Context(string? packageUnitFile = null) => new()
    {
        Hostname = "node-1",
        ApiServerHost = "10.0.0.1",
        ApiServerPort = 6443,
        PackageUnitFile = packageUnitFile,
        ResolveExecutable = name => name switch
        {
            "bash" => "/usr/bin/bash",
            "sh" => "/bin/sh",
            "env" => "/usr/bin/env",
            _ => null,
        },
    };

    public static ContainerUnit Unit(UnitTranslation translation) =>
        translation as ContainerUnit ?? throw new Xunit.Sdk.XunitException($"Expected a unit, got {translation}.");

    public static TranslationFailure Failure(UnitTranslation translation) =>
        translation as TranslationFailure ?? throw new Xunit.Sdk.XunitException($"Expected a failure, got a unit:\n{(translation as ContainerUnit)?.Unit.Render()}");

    // A Debian-style unit for uptimed: a notify daemon with a pre-start step, sandboxing and settings vks drops.
    public const string UptimedUnit = """
        [Unit]
        Description=uptime record daemon
        Documentation=man:uptimed(8) man:uprecords(1)
        After=time-sync.target

        [Service]
        Type=notify
        ExecStartPre=/usr/sbin/uptimed -b
        ExecStart=/usr/sbin/uptimed -f
        Restart=on-failure
        RestartSec=5
        ProtectSystem=strict
        ReadWritePaths=/var/spool/uptimed
        PrivateTmp=yes

        [Install]
        WantedBy=multi-user.target
        """;
}
