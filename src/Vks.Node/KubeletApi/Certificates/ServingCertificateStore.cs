// The serving certificate on disk, in a directory only root can read (default /var/lib/vks/pki):
// - kubelet-server-current.pem: the private key and the issued certificate in one file, so one rename replaces both
//   (the kubelet keeps the same file name);
// - kubelet-server-pending.pem: the key of a CSR still waiting for approval, after a "csr: <name>" line. A restart
//   picks the same CSR up again instead of filing another, so an operator approves one request, not one per restart.
// Every file is written to a temporary name with mode 0600, flushed to disk, then renamed over the old one: a crash
// leaves the old file or the new one, never half of either, and a key is never readable by anyone but root.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace Vks.Node.KubeletApi.Certificates;

/// <summary>A CSR filed earlier and the key it was made with.</summary>
public sealed record PendingSigningRequest(string Name, ECDsa Key);

public sealed partial class ServingCertificateStore
{
    public const string DefaultDirectory = "/var/lib/vks/pki";
    public const string CurrentFileName = "kubelet-server-current.pem";
    public const string PendingFileName = "kubelet-server-pending.pem";
    private const string PendingNamePrefix = "csr: ";
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerReadWrite | UnixFileMode.UserExecute;

    public ServingCertificateStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
    }

    public string Directory { get; }

    public string CurrentPath => Path.Combine(Directory, CurrentFileName);

    public string PendingPath => Path.Combine(Directory, PendingFileName);

    /// <summary>The stored certificate with its key, or null when there is none or it cannot be read (a broken file
    /// is replaced by the next issued certificate, not fatal).</summary>
    public ServingCertificate? LoadCurrent()
    {
        if (!File.Exists(CurrentPath))
        {
            return null;
        }
        try
        {
            var pem = File.ReadAllText(CurrentPath);
            return new ServingCertificate(X509Certificate2.CreateFromPem(pem, pem), []);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return null; // not PEM, or a key that is not the certificate's
        }
    }

    public void SaveCurrent(X509Certificate2 certificate, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(key);
        WriteAtomically(CurrentPath, key.ExportPkcs8PrivateKeyPem() + "\n" + certificate.ExportCertificatePem() + "\n");
    }

    public PendingSigningRequest? LoadPending()
    {
        if (!File.Exists(PendingPath))
        {
            return null;
        }
        var text = File.ReadAllText(PendingPath);
        var firstLine = text.Split('\n', 2)[0];
        if (!firstLine.StartsWith(PendingNamePrefix, StringComparison.Ordinal))
        {
            return null;
        }
        var name = firstLine[PendingNamePrefix.Length..].Trim();
        if (!IsObjectName(name))
        {
            return null;
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(text.AsSpan(firstLine.Length));
            return new PendingSigningRequest(name, key);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            return null;
        }
    }

    public void SavePending(string name, ECDsa key)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(key);
        if (!IsObjectName(name))
        {
            throw new ArgumentException($"'{name}' is not a CSR name.", nameof(name));
        }
        WriteAtomically(PendingPath, PendingNamePrefix + name + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    public void DeletePending() => File.Delete(PendingPath);

    private void WriteAtomically(string path, string content)
    {
        System.IO.Directory.CreateDirectory(Directory, OwnerOnlyDirectory);
        // CreateDirectory leaves an existing directory's mode alone; tighten it, whoever made it.
        File.SetUnixFileMode(Directory, OwnerOnlyDirectory);
        var temporary = Path.Combine(Directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = OwnerReadWrite,
            }))
            {
                // The umask can only take bits away; set the mode explicitly anyway, so a key is 0600 whatever it is.
                File.SetUnixFileMode(file.SafeFileHandle, OwnerReadWrite);
                file.Write(Encoding.ASCII.GetBytes(content));
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>A DNS subdomain, as every cluster-scoped object name is: what a CSR name read back from disk must be
    /// before it goes into a URL or a field selector.</summary>
    internal static bool IsObjectName(string name) => name.Length <= 253 && ObjectNamePattern().IsMatch(name);

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex ObjectNamePattern();
}
