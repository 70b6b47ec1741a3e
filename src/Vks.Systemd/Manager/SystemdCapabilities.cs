// What the running systemd can do, decided from its version (Manager.Version, e.g. "252.39-1~deb12u2").
namespace Vks.Systemd.Manager;

public static class SystemdCapabilities
{
    // systemd 247 retries loading a unit it found no file for once the unit directories changed since (their mtimes
    // feed the unit-name cache), so a unit file that did not exist before is picked up by LoadUnit/StartUnit without a
    // daemon-reload. Earlier versions need the reload.
    private const int ReloadFreeLoadsSince = 247;

    /// <summary>Whether a new unit file (for a unit systemd has not loaded) is found without a daemon-reload. A
    /// version that does not start with a number is taken as too old: a needless reload is only slow, a missing one
    /// fails the start.</summary>
    public static bool LoadsNewUnitFilesWithoutReload(string systemdVersion)
    {
        ArgumentNullException.ThrowIfNull(systemdVersion);
        var digits = systemdVersion.TakeWhile(char.IsAsciiDigit).Count();
        return digits is > 0 and < 6
            && int.Parse(systemdVersion.AsSpan(0, digits), System.Globalization.CultureInfo.InvariantCulture) >= ReloadFreeLoadsSince;
    }
}
