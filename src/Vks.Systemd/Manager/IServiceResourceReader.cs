namespace Vks.Systemd.Manager;

/// <summary>Reads a service's resource accounting on demand. systemd signals no change of its counters, so they are
/// read when someone asks (the kubelet's /stats/summary and /metrics/resource), never polled.</summary>
public interface IServiceResourceReader
{
    /// <summary>The service's accounting now; null when systemd does not have the unit loaded. A name that is not a
    /// valid service name is an <see cref="ArgumentException"/>.</summary>
    Task<ServiceResources?> ReadAsync(string serviceName, CancellationToken cancellationToken = default);
}
