namespace Vks.Node.KubeletApi.Certificates;

/// <summary>
/// Where the kubelet API's serving certificate comes from: the operator's files, or a CSR kept fresh. The server reads
/// <see cref="Current"/> at every TLS handshake, so a renewed certificate is served from the next connection on.
/// </summary>
public interface IServingCertificateSource
{
    /// <summary>The certificate to serve; null while none has been issued yet.</summary>
    ServingCertificate? Current { get; }

    /// <summary>One line for logs and the debug dump: what is served, or what the source is waiting for.</summary>
    string Status { get; }

    /// <summary>Completes when <see cref="Current"/> is first set.</summary>
    Task WaitForCertificateAsync(CancellationToken cancellationToken);

    /// <summary>Obtains and renews the certificate until cancelled.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
