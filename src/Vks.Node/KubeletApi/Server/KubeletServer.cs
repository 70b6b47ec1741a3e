// The kubelet API: HTTPS on --kubelet-port (10250), served by Kestrel from the shared framework.
// - It listens only once the certificate source has a certificate. Until then the node runs its pods as usual, the
//   port is closed, and Status says what the certificate waits for (a CSR to approve, typically).
// - Each connection's TLS settings come from ServingTls, so a renewed certificate is used without a restart.
// - The web host is separate from the daemon's generic host so that it can start late; it logs through the daemon's
//   logger factory, Microsoft.* below Warning filtered out (Kestrel's per-connection chatter).
// - Every request passes KubeletAuthMiddleware before routing; the caller's endpoint groups come after.
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vks.Node.KubeletApi.Certificates;
using Vks.Node.KubeletApi.Security;

namespace Vks.Node.KubeletApi.Server;

public sealed partial class KubeletServer : BackgroundService
{
    // In-flight requests get this long to finish at shutdown; a `kubectl logs -f` stream never would.
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly KubeletServerOptions _options;
    private readonly IServingCertificateSource _certificates;
    private readonly KubeletAuthenticator _authenticator;
    private readonly KubeletAuthorizer _authorizer;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _listeningOn;

    public KubeletServer(
        KubeletServerOptions options,
        IServingCertificateSource certificates,
        KubeletAuthenticator authenticator,
        KubeletAuthorizer authorizer,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, IPEndPoint.MaxPort);
        ArgumentNullException.ThrowIfNull(certificates);
        ArgumentNullException.ThrowIfNull(authenticator);
        ArgumentNullException.ThrowIfNull(authorizer);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options;
        _certificates = certificates;
        _authenticator = authenticator;
        _authorizer = authorizer;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<KubeletServer>();
    }

    /// <summary>One line for the debug dump: where the API is served, or why it is not (yet).</summary>
    public string Status => _listeningOn is { } on
        ? $"serving on {on}; {_certificates.Status}"
        : $"not serving: {_certificates.Status}";

    /// <summary>Completes with the bound endpoint once the server listens (port 0 picks a free port).</summary>
    public Task<IPEndPoint> WaitUntilListeningAsync(CancellationToken cancellationToken) => _listening.Task.WaitAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var certificateLoop = _certificates.RunAsync(stoppingToken);
        try
        {
            var first = _certificates.WaitForCertificateAsync(stoppingToken);
            // The loop only ends by cancellation or a bug; either way, do not wait for a certificate that won't come.
            await (await Task.WhenAny(first, certificateLoop).ConfigureAwait(false)).ConfigureAwait(false);

            await using var app = Build();
            await app.StartAsync(stoppingToken).ConfigureAwait(false);
            var endpoint = BoundEndpoint(app);
            _listeningOn = endpoint.ToString();
            _listening.TrySetResult(endpoint);
            LogListening(_listeningOn);
            try
            {
                await certificateLoop.ConfigureAwait(false);
            }
            finally
            {
                using var drain = new CancellationTokenSource(DrainTimeout);
                await app.StopAsync(drain.Token).ConfigureAwait(false);
                _listeningOn = null;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // vks is stopping
        }
    }

    private WebApplication Build()
    {
        // The empty builder reads no appsettings.json, environment or command line: a root daemon is configured by
        // its own flags only.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "vks-kubelet-api" });
        builder.Logging.AddProvider(new ForwardingLoggerProvider(_loggerFactory));
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(_authenticator);
        builder.Services.AddSingleton(_authorizer);
        _options.ConfigureServices(builder.Services);

        var tls = new ServingTls(_certificates, _authenticator.ClientCertificateAuthorities);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            void Https(ListenOptions listen)
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    OnConnection = _ => ValueTask.FromResult(tls.OptionsForNewConnection()),
                    HandshakeTimeout = HandshakeTimeout,
                });
            }

            if (_options.Address is { } address)
            {
                kestrel.Listen(address, _options.Port, Https);
            }
            else
            {
                kestrel.ListenAnyIP(_options.Port, Https);
            }
        });

        var app = builder.Build();
        app.UseMiddleware<KubeletAuthMiddleware>();
        app.UseRouting();
        _options.MapEndpoints(app);
        return app;
    }

    private IPEndPoint BoundEndpoint(WebApplication app)
    {
        // Kestrel reports "https://[::]:10250"; the port is what a caller of port 0 wants to know.
        var url = app.Urls.First();
        var port = int.Parse(url[(url.LastIndexOf(':') + 1)..].TrimEnd('/'), CultureInfo.InvariantCulture);
        return new IPEndPoint(_options.Address ?? IPAddress.IPv6Any, port);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving the kubelet API on {Endpoint}")]
    private partial void LogListening(string endpoint);
}
