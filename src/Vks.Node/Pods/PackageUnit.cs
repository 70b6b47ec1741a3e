// The systemd unit a Debian package ships for its daemon, reduced to what a container takes over from it: the
// ExecStart= lines (the "entrypoint"), and the directives that describe how that daemon must be started and in
// what environment. Finding the file (through dpkg's file list) is I/O done by the caller; the translator parses
// its text here, and only when the container takes its entrypoint from the package.
//
// Values are carried over raw, exactly as the package wrote them (they passed the unit-file parser, so they cannot
// hold a newline or add a directive): "$VAR" references in ExecStart= keep working with the package's own
// EnvironmentFile=. Specifiers that name the unit (%n, %i, %p, ...) would name vks' unit instead of the package's,
// so a package unit using them in a carried value is refused. Everything not on the list below is dropped: the
// [Unit] and [Install] sections (dependencies, conditions, aliases belong to the package's own unit, which never
// runs beside ours), restart and kill settings (vks sets those from the pod), RemainAfterExit= and output settings.
using System.Diagnostics.CodeAnalysis;
using Vks.Systemd.Units;

namespace Vks.Node.Pods;

public sealed class PackageUnit
{
    // Exact [Service] keys carried over, grouped by why.
    private static readonly HashSet<string> CarriedKeys = new(StringComparer.Ordinal)
    {
        // How the daemon starts, signals readiness and stops; Type= in particular decides when it counts as running.
        "Type", "ExecStartPre", "ExecStartPost", "ExecReload", "ExecStop", "ExecStopPost", "PIDFile", "BusName",
        "NotifyAccess", "TimeoutStartSec", "WatchdogSec", "KillSignal",
        // The environment the daemon expects.
        "Environment", "EnvironmentFile", "UnsetEnvironment", "WorkingDirectory", "User", "Group",
        "SupplementaryGroups", "DynamicUser", "UMask",
        // Directories systemd creates for the daemon.
        "RuntimeDirectory", "RuntimeDirectoryMode", "RuntimeDirectoryPreserve", "StateDirectory", "StateDirectoryMode",
        "CacheDirectory", "CacheDirectoryMode", "LogsDirectory", "LogsDirectoryMode", "ConfigurationDirectory",
        "ConfigurationDirectoryMode",
        // Privileges and sandboxing the package chose; they only narrow what the daemon may do, or grant what a
        // non-root User= needs.
        "AmbientCapabilities", "CapabilityBoundingSet", "NoNewPrivileges", "ReadWritePaths", "ReadOnlyPaths",
        "InaccessiblePaths", "SystemCallFilter", "SystemCallArchitectures", "SystemCallErrorNumber",
        "MemoryDenyWriteExecute", "LockPersonality", "DevicePolicy", "DeviceAllow", "RemoveIPC", "KeyringMode",
    };

    // Key families carried over: resource limits (LimitNOFILE=...) and sandboxing (ProtectSystem=, PrivateTmp=,
    // RestrictNamespaces=...), for the same reasons as above.
    private static readonly string[] CarriedKeyPrefixes = ["Limit", "Protect", "Private", "Restrict"];

    // Specifiers whose value depends on the unit's name (systemd.unit(5) "Specifiers"), plus %f and %y/%Y (paths
    // derived from it) and %d (the unit's credentials directory).
    private const string UnitNameSpecifiers = "nNpPiIjJfyYd";

    private PackageUnit(IReadOnlyList<UnitDirective> execStart, IReadOnlyList<UnitDirective> carried)
    {
        ExecStart = execStart;
        Carried = carried;
    }

    /// <summary>The package's ExecStart= directives, raw (Type=oneshot units may have several).</summary>
    public IReadOnlyList<UnitDirective> ExecStart { get; }

    /// <summary>The other carried [Service] directives, raw, in file order.</summary>
    public IReadOnlyList<UnitDirective> Carried { get; }

    /// <summary>The package's Type=, or null when it sets none (systemd's default, simple).</summary>
    public string? ServiceType => Carried.LastOrDefault(d => d.Key == "Type")?.Value;

    /// <summary>Reads a package's unit file; on failure <paramref name="reason"/> says why.</summary>
    public static bool TryParse(
        string unitFileText,
        [NotNullWhen(true)] out PackageUnit? unit,
        [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(unitFileText);
        unit = null;
        UnitFile file;
        try
        {
            file = UnitFile.Parse(unitFileText);
        }
        catch (FormatException e)
        {
            reason = $"The package's unit file could not be read: {e.Message}";
            return false;
        }

        var execStart = new List<UnitDirective>();
        var carried = new List<UnitDirective>();
        foreach (var directive in file.FindSection("Service")?.Directives ?? [])
        {
            var list = directive.Key == "ExecStart" ? execStart : IsCarried(directive.Key) ? carried : null;
            if (list is null)
            {
                continue;
            }

            if (directive.Value.Length == 0)
            {
                // An empty assignment resets the setting (systemd.unit(5)), so earlier ones no longer count.
                list.RemoveAll(d => d.Key == directive.Key);
                continue;
            }

            var specifier = UnitNameSpecifier(directive.Value);
            if (specifier is not null)
            {
                reason = $"The package's unit uses the specifier {specifier} in {directive.Key}=, which would name vks' unit instead of the package's.";
                return false;
            }

            list.Add(directive);
        }

        if (execStart.Count == 0)
        {
            reason = "The package's unit has no ExecStart=.";
            return false;
        }

        unit = new PackageUnit(execStart, carried);
        reason = null;
        return true;
    }

    /// <summary>
    /// The executable of the package's single ExecStart= (its "entrypoint", for a container that gives args but no
    /// command). It may be a bare name, which systemd would look up; the caller resolves it.
    /// </summary>
    public bool TryGetEntrypoint([NotNullWhen(true)] out string? executable, [NotNullWhen(false)] out string? reason)
    {
        executable = null;
        if (ExecStart.Count != 1)
        {
            reason = $"The package's unit has {ExecStart.Count} ExecStart= lines, so it has no single entrypoint for args to replace the arguments of; give a command.";
            return false;
        }

        // systemd's prefixes ("-", "@", ":", "+", "!") come before the executable; the first word after them is it.
        var raw = ExecStart[0].Value.TrimStart('-', '@', ':', '+', '!');
        var end = raw.IndexOfAny([' ', '\t']);
        var first = end < 0 ? raw : raw[..end];
        if (first.Length == 0 || first.Any(c => c is '"' or '\'' or '\\' or '$' or '%'))
        {
            reason = $"The executable of the package's ExecStart={ExecStart[0].Value} is quoted, escaped or expanded; give a command.";
            return false;
        }

        executable = first;
        reason = null;
        return true;
    }

    private static bool IsCarried(string key) =>
        CarriedKeys.Contains(key) || CarriedKeyPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));

    private static string? UnitNameSpecifier(string value)
    {
        for (var i = 0; i + 1 < value.Length; i++)
        {
            if (value[i] != '%')
            {
                continue;
            }

            if (UnitNameSpecifiers.Contains(value[i + 1], StringComparison.Ordinal))
            {
                return "%" + value[i + 1];
            }

            // "%%" is a literal percent sign; skip its second half. Other specifiers do not depend on the name.
            i++;
        }

        return null;
    }
}
