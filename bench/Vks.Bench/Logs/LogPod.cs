// The pod whose log is read: one bash container that prints "line 1" ... "line N" and then sleeps, in a namespace of
// its own that is deleted (and waited for) at the end. Setting it up is not measured, so it may poll.
using k8s;
using k8s.Models;
using Vks.Bench.Testbed;

namespace Vks.Bench.Logs;

internal sealed class LogPod : IAsyncDisposable
{
    public const string PodName = "lines";
    public const string ContainerName = "c";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    private readonly Kubernetes _client;

    private LogPod(Kubernetes client, string podNamespace, string uid, string unit, string invocationId)
    {
        _client = client;
        Namespace = podNamespace;
        Uid = uid;
        Unit = unit;
        InvocationId = invocationId;
    }

    public string Namespace { get; }

    public string Uid { get; }

    /// <summary>The container's unit, from status.containerStatuses[].containerID (systemd://UNIT).</summary>
    public string Unit { get; }

    /// <summary>The unit's current run, as vks reads it.</summary>
    public string InvocationId { get; }

    /// <summary>Creates the pod on the node and waits until it runs and the machine's journal holds all its lines.</summary>
    public static async Task<LogPod> CreateAsync(Kubernetes client, BenchTestbed testbed, int lines, Func<LogPod, Task<long>> countLines)
    {
        string podNamespace = "vks-logbench-" + Guid.NewGuid().ToString("N")[..8];
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = podNamespace } });
        try
        {
            var pod = new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = PodName },
                Spec = new V1PodSpec
                {
                    // Bound by hand: the benchmark measures reading, not scheduling.
                    NodeName = testbed.Name,
                    Tolerations = [new V1Toleration { Key = "virtual-kubelet.io/provider", OperatorProperty = "Exists" }],
                    TerminationGracePeriodSeconds = 1,
                    Containers =
                    [
                        new V1Container
                        {
                            Name = ContainerName,
                            Image = "bash",
                            Command = ["bash", "-c", $"seq 1 {lines} | sed 's/^/line /'; exec sleep infinity"],
                        },
                    ],
                },
            };
            V1Pod created = await client.CoreV1.CreateNamespacedPodAsync(pod, podNamespace);
            string unit = await WaitForUnitAsync(client, podNamespace);
            string invocation = (await testbed.RunInMachineAsync("systemctl", "show", "--property=InvocationID", "--value", unit)).Trim();
            var logPod = new LogPod(client, podNamespace, created.Metadata.Uid, unit, invocation);
            await WaitForLinesAsync(logPod, lines, countLines);
            return logPod;
        }
        catch
        {
            await DeleteNamespaceAsync(client, podNamespace);
            throw;
        }
    }

    public async ValueTask DisposeAsync() => await DeleteNamespaceAsync(_client, Namespace);

    private static async Task<string> WaitForUnitAsync(Kubernetes client, string podNamespace)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (true)
        {
            V1Pod pod = await client.CoreV1.ReadNamespacedPodAsync(PodName, podNamespace, cancellationToken: patience.Token);
            if (pod.Status?.Phase == "Running" && pod.Status.ContainerStatuses?.FirstOrDefault()?.ContainerID is { } id && id.StartsWith("systemd://", StringComparison.Ordinal))
            {
                return id["systemd://".Length..];
            }

            await Task.Delay(PollInterval, patience.Token);
        }
    }

    private static async Task WaitForLinesAsync(LogPod pod, int lines, Func<LogPod, Task<long>> countLines)
    {
        using var patience = new CancellationTokenSource(Patience);
        long seen;
        while ((seen = await countLines(pod)) < lines)
        {
            Console.WriteLine($"  the journal holds {seen} of {lines} lines; waiting");
            await Task.Delay(TimeSpan.FromSeconds(2), patience.Token);
        }
    }

    private static async Task DeleteNamespaceAsync(Kubernetes client, string podNamespace)
    {
        await client.CoreV1.DeleteNamespaceAsync(podNamespace);
        using var patience = new CancellationTokenSource(Patience);
        try
        {
            while (true)
            {
                await client.CoreV1.ReadNamespaceAsync(podNamespace, cancellationToken: patience.Token);
                await Task.Delay(PollInterval, patience.Token);
            }
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Gone, with its pod.
        }
    }
}
