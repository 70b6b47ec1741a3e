// Unit files on disk, in one directory (by default /run/systemd/system: runtime units, gone at reboot like the
// pods they run). Writes are atomic: a reader (systemd on daemon-reload, or vks itself) sees the old file or the
// new one, never a partial one. The store never reloads systemd: a caller writes or removes any number of
// files and then asks systemd for ONE daemon-reload over D-Bus.
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Vks.Systemd.Units;

public sealed partial class UnitFileStore
{
    public const string DefaultDirectory = "/run/systemd/system";

    // rw-r--r--, as systemd expects; unit files are world-readable, so they must never hold secrets.
    private const UnixFileMode UnitFileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    // Temporary files start with ".#", which no unit name can, so systemd and ListUnitNames ignore them.
    private const string TemporaryPrefix = ".#";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public UnitFileStore(string directory = DefaultDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = directory;
    }

    public string Directory { get; }

    /// <summary>Atomically replaces (or creates) the unit file <paramref name="unitName"/>.</summary>
    // File I/O and fsync block, so they run on the thread pool: an actor can await this without blocking.
    public Task WriteAsync(string unitName, UnitFile unit, CancellationToken cancellationToken = default)
    {
        var path = PathOf(unitName);
        ArgumentNullException.ThrowIfNull(unit);
        var content = StrictUtf8.GetBytes(unit.Render());
        return Task.Run(() => Write(path, content), cancellationToken);
    }

    /// <summary>Removes the unit file if it exists.</summary>
    public Task RemoveAsync(string unitName, CancellationToken cancellationToken = default)
    {
        var path = PathOf(unitName);
        return Task.Run(
            () =>
            {
                File.Delete(path);
                SyncDirectory();
            },
            cancellationToken);
    }

    /// <summary>The parsed unit file, or null when there is none. Malformed content is a FormatException.</summary>
    public async Task<UnitFile?> ReadAsync(string unitName, CancellationToken cancellationToken = default)
    {
        var path = PathOf(unitName);
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, StrictUtf8, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DecoderFallbackException e)
        {
            throw new FormatException($"{path} is not valid UTF-8.", e);
        }

        return UnitFile.Parse(text);
    }

    /// <summary>Names of the regular unit files in the directory (symlinks and temporary files are left out).</summary>
    public IReadOnlyList<string> ListUnitNames()
    {
        var info = new DirectoryInfo(Directory);
        if (!info.Exists)
        {
            return [];
        }

        return info.EnumerateFiles()
            .Where(f => f.LinkTarget is null && SystemdEscaping.IsValidUnitName(f.Name))
            .Select(f => f.Name)
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    private string PathOf(string unitName)
    {
        ArgumentNullException.ThrowIfNull(unitName);
        if (!SystemdEscaping.IsValidUnitName(unitName))
        {
            throw new ArgumentException($"'{unitName}' is not a valid unit name.", nameof(unitName));
        }

        return Path.Combine(Directory, unitName);
    }

    private void Write(string path, byte[] content)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Unit files are written on Linux only.");
        }

        var temporary = Path.Combine(Directory, TemporaryPrefix + Path.GetFileName(path) + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        var created = false;
        try
        {
            using (var stream = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                UnixCreateMode = UnitFileMode,
            }))
            {
                created = true;
                // UnixCreateMode is filtered by the umask; set the mode explicitly so it is always 0644.
                File.SetUnixFileMode(stream.SafeFileHandle, UnitFileMode);
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch when (created)
        {
            File.Delete(temporary);
            throw;
        }

        // The rename is durable only once the directory entry is on disk.
        SyncDirectory();
    }

    private void SyncDirectory()
    {
        var fd = Open(Directory, ORdOnly | OCloExec);
        if (fd < 0)
        {
            throw new IOException($"open({Directory}) failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync({Directory}) failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // .NET cannot open a directory as a file handle, so the directory fsync goes through libc.
    // (O_DIRECTORY is left out: its value differs between architectures, and O_RDONLY opens directories too.)
    private const int ORdOnly = 0;
    private const int OCloExec = 0x80000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
