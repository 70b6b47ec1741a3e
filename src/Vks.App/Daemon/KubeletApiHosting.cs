// Builds the kubelet API server (Vks.Node/KubeletApi) from `vks run`'s options: its serving certificate (the files
// given, else one requested through the CSR API), authentication (client certificates against --client-ca-file, else
// the kubeconfig's CA; bearer tokens through TokenReview), authorization (SubjectAccessReview) and every endpoint
// group with what it needs from the daemon.
using Akka.Hosting;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vks.Actors;
using Vks.App.Cli;
using Vks.App.Wiring;
using Vks.Node.KubeletApi;
using Vks.Node.KubeletApi.Certificates;
using Vks.Node.KubeletApi.Logs;
using Vks.Node.KubeletApi.Metrics;
using Vks.Node.KubeletApi.Security;
using Vks.Node.KubeletApi.Server;
using Vks.Node.KubeletApi.Stats;
using Vks.Systemd.Journal;
using Vks.Systemd.Manager;

namespace Vks.App.Daemon;

/// <param name="Addresses">The Node's addresses (its InternalIP and host name): the serving certificate must name
/// exactly these, since the API server checks the certificate against the address it dials.</param>
internal sealed record KubeletApiSettings(string NodeName, IReadOnlyList<System.Net.IPAddress> Addresses, string Hostname);

internal static class KubeletApiHosting
{
    public static KubeletServer Create(
        RunOptions options,
        KubeletApiSettings settings,
        KubernetesClientConfiguration kubeconfig,
        IKubernetes client,
        SystemdManager systemd,
        VksMetricsExporter metrics,
        IServiceProvider daemonServices)
    {
        var loggers = daemonServices.GetRequiredService<ILoggerFactory>();
        var supervisor = daemonServices.GetRequiredService<IRequiredActor<NodeSupervisorMarker>>();
        IServingCertificateSource certificates = options.TlsCertFile is { } certFile
            ? new FileServingCertificateSource(certFile, options.TlsPrivateKeyFile!)
            : new CsrServingCertificateSource(
                new ServingCertificateTemplate(settings.NodeName, settings.Addresses, [settings.Hostname]),
                new ServingCertificateStore(options.PkiDirectory),
                new KubernetesCertificateSigningRequests(client),
                loggers.CreateLogger<CsrServingCertificateSource>());
        var clientCertificates = options.ClientCaFile is { } caFile
            ? ClientCertificateAuthenticator.FromBundleFile(caFile)
            : new ClientCertificateAuthenticator(kubeconfig.SslCaCerts
                ?? throw new InvalidOperationException("The kubeconfig names no CA; give the kubelet API's client CA with --client-ca-file."));
        var podDirectory = new ActorPodDirectory(supervisor);
        return new KubeletServer(
            new KubeletServerOptions(
                options.KubeletPort,
                services => services
                    .AddSingleton<IKubeletPodDirectory>(podDirectory)
                    .AddSingleton<ISystemdManager>(systemd)
                    .AddSingleton(new JournalReader())
                    .AddSingleton(new StatsReporter(settings.NodeName, podDirectory, new ServiceResourceReader(systemd), TimeProvider.System))
                    .AddSingleton(metrics)
                    .AddSingleton<RefreshObservedMetrics>(async cancellationToken =>
                        await ActorMetrics.ObserveNodeAsync(await supervisor.GetAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)),
                endpoints => endpoints.MapHealthz().MapPods().MapContainerLogs().MapStats().MapVksMetrics()),
            certificates,
            new KubeletAuthenticator(clientCertificates, new KubernetesTokenReviewer(client)),
            new KubeletAuthorizer(new KubernetesAccessReviewer(client, settings.NodeName)),
            loggers);
    }
}
