// What vks finds of its own units at start: the files in its unit directory whose [X-Kubernetes] section names a pod,
// and the loaded vks.* units systemd lists (ListUnitsByPatterns). Identity is read from the files, never from names.
using Vks.Node.Pods;
using Vks.Systemd.Manager;
using Vks.Systemd.Units;

namespace Vks.Actors.Node;

internal sealed record InventoriedUnit(string UnitName, KubernetesUnitMetadata Metadata);

/// <param name="Units">vks units with their identity.</param>
/// <param name="Unreadable">Files named like vks units that vks cannot read (not a unit, no [X-Kubernetes]).</param>
/// <param name="LoadedWithoutFile">Loaded vks.* units with no file in the directory: not identifiable, left alone.</param>
internal sealed record UnitInventory(IReadOnlyList<InventoriedUnit> Units, IReadOnlyList<string> Unreadable, IReadOnlyList<string> LoadedWithoutFile)
{
    private const string Pattern = ContainerUnitName.Prefix + "*";

    public static async Task<UnitInventory> ScanAsync(ISystemdManager systemd, UnitFileStore store, CancellationToken cancellationToken)
    {
        var loaded = await systemd.ListUnitsByPatternsAsync([], [Pattern], cancellationToken).ConfigureAwait(false);
        var files = store.ListUnitNames()
            .Where(ContainerUnitName.HasContainerUnitForm)
            .ToArray();
        var units = new List<InventoriedUnit>();
        var unreadable = new List<string>();
        foreach (var name in files)
        {
            try
            {
                var file = await store.ReadAsync(name, cancellationToken).ConfigureAwait(false);
                if (file is not null && KubernetesUnitMetadata.FromUnitFile(file) is { } metadata)
                {
                    units.Add(new InventoriedUnit(name, metadata));
                }
                else if (file is not null)
                {
                    unreadable.Add(name);
                }
            }
            catch (FormatException)
            {
                unreadable.Add(name);
            }
        }

        var fileNames = files.ToHashSet(StringComparer.Ordinal);
        var withoutFile = loaded
            .Select(unit => unit.Name)
            .Where(name => ContainerUnitName.HasContainerUnitForm(name) && !fileNames.Contains(name))
            .Order(StringComparer.Ordinal)
            .ToArray();
        return new UnitInventory(units, unreadable, withoutFile);
    }
}
