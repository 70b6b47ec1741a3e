// The CSR API over KubernetesClient, with the node's own credentials: the Node authorizer grants every
// system:node:<name> create/get/list/watch on certificatesigningrequests (its NodeRules), no RBAC binding needed.
// Waiting reads the CSR, then watches it by name (fieldSelector metadata.name) from that resourceVersion; when the
// watch ends (its server-side timeout, a dropped connection) the loop reads again, so no change is missed.
using System.Net;
using System.Text;
using k8s;
using k8s.Models;
using Vks.Node.Kubernetes;

namespace Vks.Node.KubeletApi.Certificates;

public sealed class KubernetesCertificateSigningRequests : ICertificateSigningRequests
{
    public const string KubeletServingSigner = "kubernetes.io/kubelet-serving";
    private static readonly TimeSpan WatchTimeout = TimeSpan.FromMinutes(5);

    // ECDSA keys do no key encipherment; the kubelet-serving signer accepts the set with or without it, and the
    // kubelet itself asks for all three.
    private static readonly string[] Usages = ["digital signature", "key encipherment", "server auth"];

    private readonly IKubernetes _client;

    public KubernetesCertificateSigningRequests(IKubernetes client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    public async Task<string> CreateAsync(string requestPem, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestPem);
        var created = await _client.CertificatesV1.CreateCertificateSigningRequestAsync(
            new V1CertificateSigningRequest
            {
                ApiVersion = "certificates.k8s.io/v1",
                Kind = "CertificateSigningRequest",
                // The kubelet's prefix, so `kubectl get csr` shows a familiar name.
                Metadata = new V1ObjectMeta { GenerateName = "csr-" },
                Spec = new V1CertificateSigningRequestSpec
                {
                    Request = Encoding.ASCII.GetBytes(requestPem),
                    SignerName = KubeletServingSigner,
                    Usages = Usages,
                },
            },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return created.Metadata.Name;
    }

    public async Task<SigningRequestDecision> WaitForDecisionAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var fieldSelector = "metadata.name=" + KubernetesPodSource.EscapeFieldSelectorValue(name);
        while (true)
        {
            V1CertificateSigningRequest csr;
            try
            {
                csr = await _client.CertificatesV1.ReadCertificateSigningRequestAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (ApiErrors.Is(e, HttpStatusCode.NotFound))
            {
                return new SigningRequestDecision(SigningRequestOutcome.Gone);
            }
            if (DecisionOf(csr) is { } decided)
            {
                return decided;
            }

            Exception? error = null;
            var events = _client.CertificatesV1.WatchListCertificateSigningRequestAsync(
                fieldSelector: fieldSelector,
                resourceVersion: csr.Metadata.ResourceVersion,
                timeoutSeconds: (int)WatchTimeout.TotalSeconds,
                onError: e => error ??= e,
                cancellationToken: cancellationToken);
            try
            {
                await foreach (var (type, changed) in events.ConfigureAwait(false))
                {
                    if (type == WatchEventType.Deleted)
                    {
                        return new SigningRequestDecision(SigningRequestOutcome.Gone);
                    }
                    if (DecisionOf(changed) is { } decision)
                    {
                        return decision;
                    }
                }
            }
            catch (HttpRequestException e) when (e.InnerException is EndOfStreamException)
            {
                // A watch that timed out without an event has an empty body, which KubernetesClient's first peek
                // reports as an error (see KubernetesPodSource). It is a normal close: read again.
            }

            // An ERROR event (410 Gone: the resourceVersion is too old) ends this watch; the read above starts over.
            if (error is not null && !ApiErrors.IsGone(error))
            {
                throw error;
            }
        }
    }

    /// <summary>What the CSR's status says, or null while it is still undecided (or approved but not yet signed).</summary>
    internal static SigningRequestDecision? DecisionOf(V1CertificateSigningRequest csr)
    {
        ArgumentNullException.ThrowIfNull(csr);
        var conditions = csr.Status?.Conditions ?? [];
        if (conditions.FirstOrDefault(c => c.Type == "Denied") is { } denied)
        {
            return new SigningRequestDecision(SigningRequestOutcome.Denied, Reason: Describe(denied));
        }
        if (conditions.FirstOrDefault(c => c.Type == "Failed") is { } failed)
        {
            return new SigningRequestDecision(SigningRequestOutcome.Failed, Reason: Describe(failed));
        }
        if (conditions.Any(c => c.Type == "Approved") && csr.Status?.Certificate is { Length: > 0 } certificate)
        {
            return new SigningRequestDecision(SigningRequestOutcome.Issued, Encoding.ASCII.GetString(certificate));
        }
        return null;
    }

    private static string Describe(V1CertificateSigningRequestCondition condition) =>
        string.Join(": ", new[] { condition.Reason, condition.Message }.Where(s => !string.IsNullOrEmpty(s)))
        is { Length: > 0 } text ? text : condition.Type;
}
