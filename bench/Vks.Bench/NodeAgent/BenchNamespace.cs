// A fresh namespace per benchmark run with a pod watch on it. Pods are `bash` (installed in the machine already)
// running `sleep infinity`, restartPolicy Always, with the toleration for vks's taint. Disposing deletes the
// namespace and waits until it is gone, so vks has stopped every unit before the next run starts.
using System.Diagnostics;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Vks.Bench.NodeAgent;

internal sealed class BenchNamespace : IAsyncDisposable
{
    public const string ContainerName = "main";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);

    private BenchNamespace(IKubernetes client, string name, PodWatch watch)
    {
        Client = client;
        Name = name;
        Watch = watch;
    }

    public IKubernetes Client { get; }

    public string Name { get; }

    public PodWatch Watch { get; }

    public static async Task<BenchNamespace> CreateAsync(IKubernetes client, string purpose)
    {
        string name = $"bench-{purpose}-{Guid.NewGuid().ToString("N")[..6]}";
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        // Kubernetes 1.20's ServiceAccount admission refuses pods until the default account has its token.
        await PollAsync(async () =>
        {
            try
            {
                V1ServiceAccount account = await client.CoreV1.ReadNamespacedServiceAccountAsync("default", name);
                return account.Secrets is { Count: > 0 };
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }
        });
        return new BenchNamespace(client, name, await PodWatch.StartAsync(client, name));
    }

    public static string PodName(int index) => $"sleeper-{index}";

    public static bool IsRunningAndReady(V1Pod pod) =>
        pod.Status?.Phase == "Running"
        && pod.Status.Conditions?.Any(condition => condition.Type == "Ready" && condition.Status == "True") == true;

    /// <summary>Creates the pods all at once; returns, per pod, the Stopwatch timestamp at which its create call returned.</summary>
    public async Task<long[]> CreatePodsAsync(int count)
    {
        long[] created = new long[count];
        await Task.WhenAll(Enumerable.Range(0, count).Select(async index => created[index] = await CreatePodAsync(index)));
        return created;
    }

    /// <summary>Creates pod <see cref="PodName"/>(index); returns the Stopwatch timestamp at which the call returned.</summary>
    public async Task<long> CreatePodAsync(int index)
    {
        await Client.CoreV1.CreateNamespacedPodAsync(SleeperPod(PodName(index)), Name);
        return Stopwatch.GetTimestamp();
    }

    /// <summary>Creates the pods and waits until all are Running and Ready.</summary>
    public async Task CreateRunningPodsAsync(int count)
    {
        Task<long>[] ready = [.. Enumerable.Range(0, count).Select(index => Watch.WhenAsync(PodName(index), (_, pod) => IsRunningAndReady(pod)))];
        await CreatePodsAsync(count);
        await Task.WhenAll(ready).WaitAsync(Patience);
    }

    public async ValueTask DisposeAsync()
    {
        await Watch.DisposeAsync();
        await Client.CoreV1.DeleteNamespaceAsync(Name);
        await PollAsync(async () =>
        {
            try
            {
                await Client.CoreV1.ReadNamespaceAsync(Name);
                return false;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return true;
            }
        });
    }

    private static V1Pod SleeperPod(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            RestartPolicy = "Always",
            Tolerations = [new V1Toleration { Key = "virtual-kubelet.io/provider", OperatorProperty = "Exists" }],
            Containers = [new V1Container { Name = ContainerName, Image = "bash", Command = ["sleep", "infinity"] }],
        },
    };

    private static async Task PollAsync(Func<Task<bool>> done)
    {
        long started = Stopwatch.GetTimestamp();
        while (!await done())
        {
            if (Stopwatch.GetElapsedTime(started) > Patience)
            {
                throw new TimeoutException($"Gave up after {Patience}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }
}
