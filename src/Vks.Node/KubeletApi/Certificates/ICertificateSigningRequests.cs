namespace Vks.Node.KubeletApi.Certificates;

public enum SigningRequestOutcome
{
    /// <summary>Approved and signed: the certificate is there.</summary>
    Issued,

    /// <summary>An approver said no.</summary>
    Denied,

    /// <summary>The signer could not sign it (a request the signer refuses, a signer misconfigured).</summary>
    Failed,

    /// <summary>The CSR no longer exists (deleted by hand, or garbage-collected by kube-controller-manager's csrcleaner
    /// after a day pending or an hour decided).</summary>
    Gone,
}

/// <param name="CertificatePem">The issued certificate chain (PEM), for <see cref="SigningRequestOutcome.Issued"/>.</param>
/// <param name="Reason">Why, for Denied and Failed: the condition's reason and message.</param>
public sealed record SigningRequestDecision(SigningRequestOutcome Outcome, string? CertificatePem = null, string? Reason = null);

/// <summary>The certificates.k8s.io/v1 CSR API as the serving certificate needs it.</summary>
public interface ICertificateSigningRequests
{
    /// <summary>Files a kubernetes.io/kubelet-serving CSR for <paramref name="requestPem"/> and returns its name.</summary>
    Task<string> CreateAsync(string requestPem, CancellationToken cancellationToken);

    /// <summary>Completes once the CSR is issued, denied, failed or gone; until then it waits (watching, not polling).
    /// Throws when the API server cannot be reached; the caller retries.</summary>
    Task<SigningRequestDecision> WaitForDecisionAsync(string name, CancellationToken cancellationToken);
}
