// While vks installs a package, /usr/sbin/policy-rc.d exits 101 ("action forbidden", see invoke-rc.d(8)), so the
// package's maintainer scripts (invoke-rc.d, deb-systemd-invoke) neither start nor restart its daemon: the
// package's own unit must never run beside the container's. The file is global, so it stays only for the install.
// An existing policy-rc.d of the admin's is moved aside and put back afterwards. Crash-only: a vks killed during an
// install leaves its script behind; Release (which the installer runs before its first install) removes it then.
using System.Text;

namespace Vks.Actors.Packages;

internal sealed class PolicyRcGuard(string path)
{
    private const string Marker = "# Written by vks";

    private const string Script =
        "#!/bin/sh\n"
        + Marker + " while it installs a package: no daemon may be started (exit 101 = action forbidden).\n"
        + "exit 101\n";

    // rwxr-xr-x: invoke-rc.d runs it only when it is executable.
    private const UnixFileMode ExecutableMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly string _saved = path + ".vks-saved";

    public string Path { get; } = path;

    public void Engage()
    {
        if (File.Exists(Path) && !IsOurs())
        {
            File.Move(Path, _saved, overwrite: true);
        }

        var temporary = Path + ".vks-new";
        File.WriteAllText(temporary, Script, Encoding.ASCII);
        File.SetUnixFileMode(temporary, ExecutableMode);
        File.Move(temporary, Path, overwrite: true);
    }

    public void Release()
    {
        if (File.Exists(Path) && IsOurs())
        {
            File.Delete(Path);
        }

        if (File.Exists(_saved) && !File.Exists(Path))
        {
            File.Move(_saved, Path);
        }
    }

    private bool IsOurs()
    {
        // Ours is three short lines; anything large is not, and need not be read whole.
        var info = new FileInfo(Path);
        return info.Length <= Script.Length && File.ReadAllText(Path).Contains(Marker, StringComparison.Ordinal);
    }
}
