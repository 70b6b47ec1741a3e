// `vks run`: connects to systemd and the API server, then hosts the actor tree (Akka.Hosting on the generic host)
// with the adapters from Wiring/, the readiness and watchdog notifications, the debug socket and the kubelet API.
// Crash-only: when the systemd connection is beyond repair (SystemdManager.Completion ends), vks exits non-zero and
// systemd restarts it (Restart=always); the new process adopts every running unit.
using System.Globalization;
using System.Net;
using Akka.Hosting;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Vks.Actors;
using Vks.Actors.Node;
using Vks.Actors.Packages;
using Vks.App.Cli;
using Vks.App.Debug;
using Vks.App.Wiring;
using Vks.Node.KubeletApi.Metrics;
using Vks.Node.KubeletApi.Server;
using Vks.Node.Kubernetes;
using Vks.Node.Nodes;
using Vks.Systemd.DBus;
using Vks.Systemd.Manager;
using Vks.Systemd.Notify;
using Vks.Systemd.Units;

namespace Vks.App.Daemon;

internal static class VksDaemon
{
    // Under systemd's default TimeoutStopSec (90 s): the actors get time to finish, systemd never needs SIGKILL.
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    // Akka's scheduler wakes every tick (10 ms by default) even with nothing scheduled, and each wake-up costs thread
    // switches. vks' timers are seconds to minutes (lease renewal, retries, back-offs) and status is signal-driven,
    // never timer-driven, so timers firing up to a second late cost nothing; idle CPU fell from about 5 % to under
    // 1 % of a core (docs/benchmarks.md).
    private const string IdleHocon = "akka.scheduler.tick-duration = 1s";

    public static async Task<int> RunAsync(RunOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        await using var logger = DaemonLogging.CreateLogger(DaemonLogging.RunsUnderSystemd(Environment.GetEnvironmentVariable));
        using var notifier = SystemdNotifier.FromEnvironment();
        try
        {
            return await RunNodeAsync(options, logger, notifier, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The last word before exiting: the exit code tells systemd, the log tells the operator why.
            logger.Fatal(e, "vks stopped: {Reason}", e.Message);
            return 1;
        }
    }

    private static async Task<int> RunNodeAsync(RunOptions options, Serilog.ILogger logger, SystemdNotifier notifier, CancellationToken cancellationToken)
    {
        // First: the instruments count only while the exporter listens, and /metrics should cover start-up too.
        using var metrics = new VksMetricsExporter();
        var kubeconfig = KubeconfigFile.Load(options.Kubeconfig);
        var apiServer = ApiServerAddress.Parse(kubeconfig.Host);
        WatchEventJson.Register();
        using var client = new Kubernetes(kubeconfig, new KubernetesApiMetricsHandler(), new ResponseBufferingHandler());
        var host = new HostFactsReader();
        var facts = host.ReadFacts();
        var nodeName = options.NodeName ?? NodeNameOf(facts.Hostname);

        // The connection retries until the system bus answers; say what vks waits for, should it wait.
        logger.Information("Connecting to systemd on the system bus");
        await using var bus = new ReconnectingDBusConnection();
        await using var systemd = await SystemdManager.StartAsync(bus, cancellationToken).ConfigureAwait(false);
        var systemdVersion = (await bus.GetPropertyAsync(
            SystemdBus.ServiceName, SystemdBus.ManagerPath, SystemdBus.ManagerInterface, "Version", cancellationToken).ConfigureAwait(false)).GetString();

        var settings = new NodeSupervisorSettings(
            new NodeSettings(
                nodeName,
                options.NodeIp?.ToString(),
                Taint: !options.DisableTaint,
                options.MaxPods,
                options.KubeletPort,
                VksCommandLine.Version,
                systemdVersion),
            apiServer.Host,
            apiServer.Port);
        var ports = new NodePorts(
            systemd,
            new UnitFileStore(),
            new AptPackageInstaller(),
            new KubernetesNodeApi(client, nodeName),
            new KubernetesPodFeed(client, nodeName),
            new KubernetesPodApi(client),
            new KubernetesEventRecorder(client, nodeName),
            new HostFactsSource(host));
        logger.Information(
            "vks {Version} starting as node {NodeName} (systemd {SystemdVersion}, API server {ApiServer})",
            VksCommandLine.Version, nodeName, systemdVersion, kubeconfig.Host);

        var kubeletApi = new KubeletApiSettings(
            nodeName, [IPAddress.Parse(NodeBuilder.InternalIp(settings.Node, facts))], facts.Hostname);
        using var daemon = BuildHost(settings, ports, logger, notifier,
            services => KubeletApiHosting.Create(options, kubeletApi, kubeconfig, client, systemd, metrics, services));
        var running = daemon.RunAsync(cancellationToken);
        if (await Task.WhenAny(running, systemd.Completion).ConfigureAwait(false) == running)
        {
            await running.ConfigureAwait(false);
            return 0;
        }

        logger.Error(systemd.Completion.Exception?.GetBaseException(), "The connection to systemd is lost for good; exiting so that systemd restarts vks");
        await daemon.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await running.ConfigureAwait(false);
        return 1;
    }

    private static IHost BuildHost(
        NodeSupervisorSettings settings, NodePorts ports, Serilog.ILogger logger, SystemdNotifier notifier,
        Func<IServiceProvider, KubeletServer> kubeletServer)
    {
        // No defaults: no appsettings.json from the working directory, no DOTNET_ variables; a root daemon takes its
        // configuration from its command line only.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "vks" });
        builder.Services.AddSerilog(logger);
        builder.Services.Configure<HostOptions>(hostOptions => hostOptions.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddAkka("vks", akka => akka
            .AddHocon(IdleHocon, HoconAddMode.Prepend)
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .WithActors((system, _) =>
            {
                // Subscribed before the NodeSupervisor starts (actor starters run in order), so no NodeSynced is missed.
                var readiness = system.ActorOf(ReadinessNotifier.Props(notifier), "readiness");
                system.EventStream.Subscribe(readiness, typeof(NodeProtocol.NodeSynced));
            })
            .WithVksNode(settings, _ => ports));
        builder.Services.AddSingleton(kubeletServer);
        builder.Services.AddHostedService(services => services.GetRequiredService<KubeletServer>());
        builder.Services.AddHostedService(services => new DebugSocketServer(
            services.GetRequiredService<IRequiredActor<NodeSupervisorMarker>>(),
            DebugSocket.DefaultPath,
            services.GetRequiredService<ILogger<DebugSocketServer>>(),
            () => services.GetRequiredService<KubeletServer>().Status));
        builder.Services.AddHostedService<IdleHeapTrimmer>();
        // Registered last, so stopped first: STOPPING=1 goes out as soon as the stop begins.
        builder.Services.AddHostedService(_ => new WatchdogPinger(notifier));
        return builder.Build();
    }

    /// <summary>The host name as a Node name: lowercased, as the kubelet does; refused when it is still not a DNS
    /// subdomain (then --node-name must say).</summary>
    internal static string NodeNameOf(string hostname)
    {
        var name = hostname.Trim().ToLower(CultureInfo.InvariantCulture);
        return RunCommand.IsValidNodeName(name)
            ? name
            : throw new ArgumentException($"The host name '{hostname}' is not a valid Node name; give one with --node-name.", nameof(hostname));
    }
}
