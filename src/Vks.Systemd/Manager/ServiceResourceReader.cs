// Reads a service's counters (CPUUsageNSec, MemoryCurrent, TasksCurrent...), cgroup and start time over the systemd
// manager's connection: GetUnit, then one GetAll of its Service interface. systemd reports a counter it does not have
// as UINT64_MAX; UnitPropertyDecoder turns that into null.
using Vks.Systemd.DBus;

namespace Vks.Systemd.Manager;

public sealed class ServiceResourceReader(SystemdManager manager) : IServiceResourceReader
{
    private readonly SystemdManager _manager = manager ?? throw new ArgumentNullException(nameof(manager));

    public async Task<ServiceResources?> ReadAsync(string serviceName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceName);
        if (!serviceName.EndsWith(".service", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{serviceName}' is not a service; vks reads the accounting of services only.", nameof(serviceName));
        }

        // GetUnit, not LoadUnit: asking for a container's stats must not load a unit systemd has already let go of.
        ObjectPath? path = await _manager.GetUnitAsync(serviceName, cancellationToken).ConfigureAwait(false);
        if (path is not { } unitPath)
        {
            return null;
        }

        (IReadOnlyDictionary<string, Variant> service, _, _) = await _manager.GetAllAsync(unitPath, SystemdBus.ServiceInterface, cancellationToken).ConfigureAwait(false);
        return UnitPropertyDecoder.DecodeServiceResources(service);
    }
}
