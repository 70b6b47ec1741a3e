// The serving certificate obtained through the CSR API (signer kubernetes.io/kubelet-serving) and kept fresh:
// - at start, a stored certificate that is unexpired and names this node's current addresses is served at once, and
//   no CSR is filed until its renewal is due (70% of its lifetime, see ServingCertificate);
// - otherwise, or once renewal is due, a fresh key and CSR (or the one still pending from before a restart); the old
//   certificate stays in service until the new one is issued;
// - kube-controller-manager never approves serving CSRs by itself: an operator (or an approver they run) does, with
//   `kubectl certificate approve <name>`. Until then the status says which CSR waits, and the API is not served;
// - a denied or failed CSR, and an API server that refuses or is away, are retried with backoff: the pods on this
//   node keep running whatever happens here, so nothing in this loop stops vks.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Vks.Node.Kubernetes;

namespace Vks.Node.KubeletApi.Certificates;

public sealed partial class CsrServingCertificateSource : IServingCertificateSource
{
    // Sleeps are cut into pieces of at most this, so a clock that jumps (suspend, NTP) delays a renewal by an hour at
    // most, and no single timer exceeds what Task.Delay accepts (renewal can be months away).
    private static readonly TimeSpan LongestSleep = TimeSpan.FromHours(1);

    private readonly ServingCertificateTemplate _template;
    private readonly ServingCertificateStore _store;
    private readonly ICertificateSigningRequests _requests;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource _firstCertificate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ExponentialBackoff _unavailableBackoff = ExponentialBackoff.ForApiServer();

    // A refusal needs a person to act (approve, fix the signer or RBAC); asking again every few seconds would only
    // fill `kubectl get csr`.
    private readonly ExponentialBackoff _refusedBackoff = new(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1));
    private volatile ServingCertificate? _current;
    private volatile string _status = "starting";

    public CsrServingCertificateSource(
        ServingCertificateTemplate template,
        ServingCertificateStore store,
        ICertificateSigningRequests requests,
        ILogger<CsrServingCertificateSource> logger,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(logger);
        _template = template;
        _store = store;
        _requests = requests;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    public ServingCertificate? Current => _current;

    public string Status => _status;

    public Task WaitForCertificateAsync(CancellationToken cancellationToken) => _firstCertificate.Task.WaitAsync(cancellationToken);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        LoadStored();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var now = _time.GetUtcNow();
            if (_current is { } current && !current.IsRenewalDue(now))
            {
                await SleepAsync(current.RenewalDueAt - now, cancellationToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                if (await ObtainAsync(cancellationToken).ConfigureAwait(false) is { } issued)
                {
                    Publish(issued);
                    LogIssued(issued.Describe(), issued.RenewalDueAt);
                }
                else
                {
                    var retryIn = _refusedBackoff.NextDelay(now);
                    _status = $"{_status}; filing a new CSR at {now + retryIn:u}{Serving()}";
                    LogRefused(_status);
                    await SleepAsync(retryIn, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (ApiErrors.IsUnavailable(e, cancellationToken) || ApiErrors.StatusCodeOf(e) is not null)
            {
                // Unavailable: try again soon. Any other answer (403 from a missing permission, 422 from a signer
                // the API server does not know) is a configuration error: say so and try again later.
                var unavailable = ApiErrors.IsUnavailable(e, cancellationToken);
                var retryIn = (unavailable ? _unavailableBackoff : _refusedBackoff).NextDelay(now);
                var reason = ApiErrors.Describe(e);
                _status = $"the CSR API failed ({reason}); retrying at {now + retryIn:u}{Serving()}";
                LogApiFailed(reason, retryIn);
                await SleepAsync(retryIn, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void LoadStored()
    {
        if (_store.LoadCurrent() is not { } stored)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (stored.IsExpired(now))
        {
            LogStoredNotReused(stored.Describe(), "it has expired");
        }
        else if (!_template.Matches(stored.Certificate))
        {
            LogStoredNotReused(stored.Describe(), "its subject or addresses differ from the node's now");
        }
        else
        {
            Publish(stored);
            LogStoredReused(stored.Describe(), stored.RenewalDueAt);
        }
    }

    /// <summary>A certificate issued for a new (or the pending) CSR; null when the CSR was denied, failed or is gone,
    /// with the reason in the status (the caller adds when it tries again, then logs it).</summary>
    private async Task<ServingCertificate?> ObtainAsync(CancellationToken cancellationToken)
    {
        var pending = _store.LoadPending();
        var resumed = pending is not null;
        if (pending is null)
        {
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            try
            {
                var name = await _requests.CreateAsync(_template.CreateSigningRequestPem(key), cancellationToken).ConfigureAwait(false);
                _store.SavePending(name, key);
                pending = new PendingSigningRequest(name, key);
            }
            catch
            {
                key.Dispose();
                throw;
            }
        }

        _status = $"waiting for approval of CSR {pending.Name} (kubectl certificate approve {pending.Name}){Serving()}";
        if (resumed)
        {
            LogResumed(pending.Name);
        }
        else
        {
            LogFiled(pending.Name);
        }

        var decision = await _requests.WaitForDecisionAsync(pending.Name, cancellationToken).ConfigureAwait(false);
        var refusal = decision.Outcome switch
        {
            SigningRequestOutcome.Issued => null,
            SigningRequestOutcome.Gone => $"CSR {pending.Name} was deleted before it was issued",
            _ => $"CSR {pending.Name} {decision.Outcome.ToString().ToLowerInvariant()}: {decision.Reason}",
        };

        X509Certificate2? issued = null;
        if (refusal is null)
        {
            (issued, refusal) = Combine(decision.CertificatePem!, pending);
        }

        if (issued is null)
        {
            _store.DeletePending();
            pending.Key.Dispose();
            _status = refusal!;
            return null;
        }

        _store.SaveCurrent(issued, pending.Key);
        _store.DeletePending();
        return new ServingCertificate(issued, []);
    }

    /// <summary>The issued leaf joined with the request's key, or why it cannot be used.</summary>
    private (X509Certificate2? Certificate, string? Refusal) Combine(string certificatePem, PendingSigningRequest pending)
    {
        X509Certificate2 certificate;
        try
        {
            using var leaf = X509Certificate2.CreateFromPem(certificatePem);
            certificate = leaf.CopyWithPrivateKey(pending.Key);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return (null, $"the certificate issued for CSR {pending.Name} is unusable (not for this key?): {e.Message}");
        }

        if (!_template.Matches(certificate))
        {
            var subject = certificate.Subject;
            certificate.Dispose();
            return (null, $"the certificate issued for CSR {pending.Name} ({subject}) does not name this node's addresses");
        }
        return (certificate, null);
    }

    private void Publish(ServingCertificate certificate)
    {
        _current = certificate;
        _status = $"serving {certificate.Describe()}; renewal due at {certificate.RenewalDueAt:u}";
        _firstCertificate.TrySetResult();
    }

    private string Serving() => _current is { } current
        ? current.IsExpired(_time.GetUtcNow())
            ? $"; the served certificate expired at {current.NotAfter:u}"
            : $"; serving the old certificate until {current.NotAfter:u}"
        : "; the kubelet API is not served until then";

    private async Task SleepAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var piece = delay < LongestSleep ? delay : LongestSleep;
        if (piece > TimeSpan.Zero)
        {
            await Task.Delay(piece, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving the stored kubelet certificate {Certificate}; renewal due at {RenewalDueAt:u}")]
    private partial void LogStoredReused(string certificate, DateTimeOffset renewalDueAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Not reusing the stored kubelet certificate {Certificate}: {Reason}")]
    private partial void LogStoredNotReused(string certificate, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Filed CSR {Name} for the kubelet serving certificate; the kubelet API is served once it is approved: kubectl certificate approve {Name}")]
    private partial void LogFiled(string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for approval of CSR {Name}, filed before vks restarted: kubectl certificate approve {Name}")]
    private partial void LogResumed(string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kubelet serving certificate issued: {Certificate}; renewal due at {RenewalDueAt:u}")]
    private partial void LogIssued(string certificate, DateTimeOffset renewalDueAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No kubelet serving certificate: {Reason}")]
    private partial void LogRefused(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The CSR API failed: {Reason}; retrying in {RetryIn}")]
    private partial void LogApiFailed(string reason, TimeSpan retryIn);
}
