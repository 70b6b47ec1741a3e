// --tls-cert-file and --tls-private-key-file: the operator's certificate (PEM; the cert file may carry intermediate
// CA certificates after the leaf) and its key. Read once at start, as the kubelet does; the operator who rotates them
// restarts vks. An unreadable pair fails the start: serving nothing would hide the mistake.
using System.Security.Cryptography.X509Certificates;

namespace Vks.Node.KubeletApi.Certificates;

public sealed class FileServingCertificateSource : IServingCertificateSource
{
    public FileServingCertificateSource(string certificateFile, string privateKeyFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(certificateFile);
        ArgumentException.ThrowIfNullOrEmpty(privateKeyFile);
        var leaf = X509Certificate2.CreateFromPemFile(certificateFile, privateKeyFile);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(certificateFile);
        var intermediates = new X509Certificate2Collection(chain.Where(c => c.Thumbprint != leaf.Thumbprint).ToArray());
        Current = new ServingCertificate(leaf, intermediates);
        Status = $"serving {Current.Describe()} from {certificateFile}";
    }

    public ServingCertificate? Current { get; }

    public string Status { get; }

    public Task WaitForCertificateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Nothing to renew; runs until cancelled like any source, since the server serves while it runs.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);
}
