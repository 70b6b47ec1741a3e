// Both sides of the API for the Kubernetes adapter tests: the node identity (system:node:<testbed name>, what vks
// runs as, under the Node authorizer and NodeRestriction) and the cluster admin (the "user" who creates and
// deletes pods). Disposing it removes everything a test made: its pods (forced, since no kubelet will finish a
// graceful delete), its namespace, the Node and the Lease. Other tests assert that `kubectl get nodes` is empty.
using System.Net;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Vks.Node.Kubernetes;

namespace Vks.E2E.Kubernetes;

internal sealed class KubernetesTestContext : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private KubernetesTestContext(Testbed.Testbed testbed, string ns)
    {
        Testbed = testbed;
        Namespace = ns;
        NodeClient = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(testbed.NodeKubeconfig));
        AdminClient = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(testbed.AdminKubeconfig));
    }

    public Testbed.Testbed Testbed { get; }

    /// <summary>The node name: the testbed's name, which is also the CN of its node certificate.</summary>
    public string NodeName => Testbed.Name;

    public string Namespace { get; }

    /// <summary>The API as vks sees it.</summary>
    public IKubernetes NodeClient { get; }

    /// <summary>The API as the cluster admin sees it.</summary>
    public IKubernetes AdminClient { get; }

    /// <summary>A context with a fresh namespace, ready for pods (its default ServiceAccount exists).</summary>
    public static async Task<KubernetesTestContext> StartAsync(Testbed.Testbed testbed)
    {
        var context = new KubernetesTestContext(testbed, $"kube-{Guid.NewGuid():N}"[..16]);
        try
        {
            await context.AdminClient.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = context.Namespace } });
            // The ServiceAccount admission plugin refuses pods until the namespace's default account exists and,
            // on 1.20, has its token secret.
            var until = DateTime.UtcNow + Deadline;
            while (!await context.DefaultServiceAccountHasTokenAsync())
            {
                Assert.True(DateTime.UtcNow < until, $"no default ServiceAccount with a token in {context.Namespace}");
                await Task.Delay(200);
            }

            return context;
        }
        catch
        {
            await context.DisposeAsync();
            throw;
        }
    }

    /// <summary>A minimal Node as vks registers it (the real one comes from Vks.Node/Nodes).</summary>
    public V1Node NewNode(params V1Taint[] taints) => new()
    {
        ApiVersion = "v1",
        Kind = "Node",
        Metadata = new V1ObjectMeta
        {
            Name = NodeName,
            Labels = new Dictionary<string, string>
            {
                ["kubernetes.io/hostname"] = NodeName,
                ["kubernetes.io/os"] = "linux",
                ["type"] = "virtual-kubelet",
            },
        },
        Spec = new V1NodeSpec { Taints = taints },
    };

    public static V1Taint VksTaint => new() { Key = "virtual-kubelet.io/provider", Value = "vks", Effect = "NoSchedule" };

    /// <summary>Registers the Node as vks and returns its UID.</summary>
    public async Task<string> RegisterNodeAsync()
    {
        var registration = await new NodeRegistrar(NodeClient).RegisterAsync(NewNode(VksTaint), CancellationToken.None);
        Assert.Equal(NodeRegistrationOutcome.Created, registration.Outcome);
        return registration.Node!.Metadata.Uid;
    }

    /// <summary>Creates a pod as the admin; bound to this node unless told otherwise (there is no scheduler for it).</summary>
    public Task<V1Pod> CreatePodAsync(string name, string? nodeName = null, IDictionary<string, string>? labels = null) =>
        AdminClient.CoreV1.CreateNamespacedPodAsync(
            new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = name, Labels = labels },
                Spec = new V1PodSpec
                {
                    NodeName = nodeName ?? NodeName,
                    Containers = [new V1Container { Name = "main", Image = "uptimed" }],
                },
            },
            Namespace);

    public Task<V1Pod?> ReadPodOrNullAsync(string name) => OrNull(AdminClient.CoreV1.ReadNamespacedPodAsync(name, Namespace));

    /// <summary>Runs a PodWatcher as the node until disposed; its events arrive in <see cref="WatchRun.Events"/>.</summary>
    public WatchRun Watch(IPodSource? source = null) =>
        new(new PodWatcher(source ?? new KubernetesPodSource(NodeClient, NodeName)));

    public async ValueTask DisposeAsync()
    {
        // Pods first: bound to a node without a kubelet, a graceful delete (the namespace's) would never finish.
        await Try(() => AdminClient.CoreV1.DeleteCollectionNamespacedPodAsync(Namespace, gracePeriodSeconds: 0));
        await Try(() => AdminClient.CoreV1.DeleteNamespaceAsync(Namespace));
        await Try(() => AdminClient.CoreV1.DeleteNodeAsync(NodeName));
        await Try(() => AdminClient.CoordinationV1.DeleteNamespacedLeaseAsync(NodeName, LeaseRenewer.LeaseNamespace));
        NodeClient.Dispose();
        AdminClient.Dispose();

        static async Task Try<T>(Func<Task<T>> delete)
        {
            try
            {
                await delete();
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                // never made, or already gone
            }
        }
    }

    private async Task<bool> DefaultServiceAccountHasTokenAsync() =>
        await OrNull(AdminClient.CoreV1.ReadNamespacedServiceAccountAsync("default", Namespace)) is { Secrets.Count: > 0 };

    public static async Task<T?> OrNull<T>(Task<T> read)
        where T : class
    {
        try
        {
            return await read;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>A PodWatcher running in the background, its events collected in order.</summary>
    public sealed class WatchRun : IAsyncDisposable
    {
        private readonly Channel<PodWatchEvent> _events = Channel.CreateUnbounded<PodWatchEvent>();
        private readonly CancellationTokenSource _stop = new();
        private readonly List<PodWatchEvent> _seen = [];

        public WatchRun(PodWatcher watcher)
        {
            Watcher = watcher;
            Loop = Task.Run(() => watcher.RunAsync(e => _events.Writer.TryWrite(e), _stop.Token));
        }

        public PodWatcher Watcher { get; }

        public Task Loop { get; }

        /// <summary>Reads events until one is a <typeparamref name="T"/> that satisfies <paramref name="match"/>;
        /// fails with everything seen if none comes within the deadline.</summary>
        public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, TimeSpan? deadline = null)
            where T : PodWatchEvent
        {
            using var timeout = new CancellationTokenSource(deadline ?? Deadline);
            try
            {
                while (true)
                {
                    var next = await _events.Reader.ReadAsync(timeout.Token);
                    _seen.Add(next);
                    if (next is T wanted && (match?.Invoke(wanted) ?? true))
                    {
                        return wanted;
                    }
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                Assert.Fail($"No {typeof(T).Name} as expected; the watch emitted: {string.Join(", ", _seen.Select(Describe))}"
                    + (Loop.IsFaulted ? $"; the loop failed: {Loop.Exception}" : ""));
                throw;
            }
        }

        /// <summary>Everything read so far, in order.</summary>
        public IReadOnlyList<PodWatchEvent> Seen => _seen;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Loop.WaitAsync(Deadline);
            _stop.Dispose();
        }

        private static string Describe(PodWatchEvent e) => e switch
        {
            PodsListed l => $"PodsListed@{l.ResourceVersion}[{string.Join(' ', l.Pods.Select(p => p.Metadata.Name))}]",
            PodAdded a => $"PodAdded({a.Pod.Metadata.Name})",
            PodModified m => $"PodModified({m.Pod.Metadata.Name})",
            PodDeleted d => $"PodDeleted({d.Pod.Metadata.Name})",
            PodWatchFailed f => $"PodWatchFailed({f.Reason})",
            _ => e.ToString(),
        };
    }
}
