// Reads a ResourceSnapshot when a stats endpoint is asked: the pods from the pod directory, each container's unit from
// systemd (one GetUnit and one GetAll) and its memory.stat, the node from /proc. Nothing is read in between requests.
using k8s.Models;
using Vks.Node.Pods;
using Vks.Systemd.DBus;
using Vks.Systemd.Manager;

namespace Vks.Node.KubeletApi.Stats;

internal sealed class ResourceCollector(
    IKubeletPodDirectory pods,
    IServiceResourceReader units,
    CgroupMemoryStatReader cgroups,
    HostResourceReader host,
    TimeProvider time)
{
    public async Task<ResourceSnapshot> CollectAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<V1Pod> podList = await pods.ListPodsAsync(cancellationToken).ConfigureAwait(false);
        var reads = new List<(V1Pod Pod, Task<ContainerRead>[] Containers)>();
        foreach (V1Pod pod in podList)
        {
            if (pod.Metadata is not { NamespaceProperty: { Length: > 0 } ns, Name: { Length: > 0 } name, Uid: { Length: > 0 } uid })
            {
                continue;
            }

            Task<ContainerRead>[] containers = [.. (pod.Spec?.Containers ?? [])
                .Where(container => !string.IsNullOrEmpty(container.Name))
                .Select(container => ReadContainerAsync(container.Name, ContainerUnitName.For(ns, name, uid, container.Name), cancellationToken))];
            reads.Add((pod, containers));
        }

        HostCpu cpu = await host.ReadCpuAsync(cancellationToken).ConfigureAwait(false);
        HostMemory memory = await host.ReadMemoryAsync(cancellationToken).ConfigureAwait(false);
        var node = new NodeReading(time.GetUtcNow(), cpu, memory);

        var podReadings = new List<PodReading>(reads.Count);
        int failed = 0;
        foreach ((V1Pod pod, Task<ContainerRead>[] containers) in reads)
        {
            ContainerRead[] results = await Task.WhenAll(containers).ConfigureAwait(false);
            failed += results.Count(result => result.Failed);
            DateTimeOffset? started = pod.Status?.StartTime is { } start ? new DateTimeOffset(DateTime.SpecifyKind(start, DateTimeKind.Utc)) : null;
            podReadings.Add(new PodReading(
                pod.Metadata.NamespaceProperty,
                pod.Metadata.Name,
                pod.Metadata.Uid,
                started,
                [.. results.Select(result => result.Reading).OfType<ContainerReading>()]));
        }

        return new ResourceSnapshot(node, podReadings, failed);
    }

    private async Task<ContainerRead> ReadContainerAsync(string container, string unitName, CancellationToken cancellationToken)
    {
        ServiceResources? resources;
        try
        {
            resources = await units.ReadAsync(unitName, cancellationToken).ConfigureAwait(false);
        }
        catch (DBusErrorException)
        {
            // systemd refused this one unit: the others are still worth reporting, and scrape_error says so.
            return new ContainerRead(null, Failed: true);
        }

        // Not loaded, or loaded without a cgroup: the container is not running and has no stats.
        if (resources is not { ControlGroup: { } controlGroup })
        {
            return new ContainerRead(null, Failed: false);
        }

        DateTimeOffset readAt = time.GetUtcNow();
        CgroupMemoryStat? memoryStat = await cgroups.ReadAsync(controlGroup, cancellationToken).ConfigureAwait(false);
        return new ContainerRead(new ContainerReading(container, unitName, readAt, resources, memoryStat), Failed: false);
    }

    private sealed record ContainerRead(ContainerReading? Reading, bool Failed);
}
