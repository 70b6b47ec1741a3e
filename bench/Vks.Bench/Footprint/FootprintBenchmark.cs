// How much resident memory the parts of vks's stack cost on their own, each in a fresh process with vks's runtime
// settings: the .NET runtime, an Akka.Hosting actor system, and KubernetesClient reaching the API server (with its
// own kubeconfig reader and with vks's KubeconfigFile). These are floors: vks cannot be smaller than the parts it
// is built from (docs/benchmarks.md, "Idle RSS: the floors of the stack").
//   Vks.Bench footprint --kubeconfig FILE --node NAME [--repeats 3] [--idle-seconds 10]
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Hosting;
using k8s;
using Microsoft.Extensions.Hosting;
using Vks.Node.Kubernetes;

namespace Vks.Bench.Footprint;

internal static partial class FootprintBenchmark
{
    private static readonly string[] Stages = ["runtime", "akka-hosting", "kubernetes-client", "kubernetes-client+KubeconfigFile"];

    // vks's runtimeconfig settings (src/Vks.App/Vks.App.csproj), given to each child as environment variables.
    private static readonly Dictionary<string, string> VksRuntimeSettings = new(StringComparer.Ordinal)
    {
        ["DOTNET_gcConcurrent"] = "0",
        ["DOTNET_TieredPGO"] = "0",
        ["DOTNET_GCgen0MaxBudget"] = "400000", // hex: 4 MiB
        ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
    };

    public static async Task<int> RunAsync(BenchArguments arguments)
    {
        var kubeconfig = arguments.GetString("kubeconfig") ?? throw new ArgumentException("--kubeconfig FILE is required.");
        var node = arguments.GetString("node") ?? throw new ArgumentException("--node NAME is required.");
        var idle = TimeSpan.FromSeconds(arguments.GetDouble("idle-seconds", 10));
        if (arguments.GetString("stage") is { } stage)
        {
            await RunStageAsync(stage, kubeconfig, node, idle).ConfigureAwait(false);
            return 0;
        }

        var repeats = (int)arguments.GetDouble("repeats", 3);
        Console.WriteLine($"Idle resident memory of a fresh process per stage, {idle.TotalSeconds:0} s after its work, after a full");
        Console.WriteLine($"compacting GC; median of {repeats} processes (each process's value in brackets). MiB.");
        Console.WriteLine();
        Console.WriteLine("| stage | VmRSS | RssAnon | RssFile | RssShmem |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var name in Stages)
        {
            var samples = new List<long[]>();
            for (int i = 0; i < repeats; i++)
            {
                samples.Add(await MeasureChildAsync(name, kubeconfig, node, idle).ConfigureAwait(false));
            }

            Console.WriteLine($"| {name} | {string.Join(" | ", Enumerable.Range(0, 4).Select(column => Column(samples, column)))} |");
        }

        return 0;
    }

    private static string Column(List<long[]> samples, int column)
    {
        var mib = samples.Select(s => s[column] / 1024.0).ToList();
        var median = mib.Order().ElementAt(mib.Count / 2);
        return string.Create(CultureInfo.InvariantCulture, $"{median:0.0} [{string.Join(", ", mib.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture)))}]");
    }

    private static async Task<long[]> MeasureChildAsync(string stage, string kubeconfig, string node, TimeSpan idle)
    {
        // Under `dotnet Vks.Bench.dll` the process is the muxer, which needs the assembly again.
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(FootprintBenchmark).Assembly.Location);
        }

        foreach (var argument in (string[])["footprint", "--stage", stage, "--kubeconfig", kubeconfig, "--node", node,
                     "--idle-seconds", idle.TotalSeconds.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in VksRuntimeSettings)
        {
            start.Environment[name] = value;
        }

        using var child = Process.Start(start)!;
        var output = await child.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await child.WaitForExitAsync().ConfigureAwait(false);
        // Akka's default logger writes its shutdown to stdout as well.
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("rss-kb ", StringComparison.Ordinal));
        if (child.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"stage {stage} failed (exit {child.ExitCode}): {output}");
        }

        return line["rss-kb ".Length..].Split(' ').Select(long.Parse).ToArray();
    }

    private static async Task RunStageAsync(string stage, string kubeconfig, string node, TimeSpan idle)
    {
        IHost? akka = null;
        Kubernetes? client = null;
        switch (stage)
        {
            case "runtime":
                break;
            case "akka-hosting":
                // As vks hosts its actors: the generic host without defaults, Akka.Hosting, an actor started.
                var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "footprint" });
                builder.Services.AddAkka("footprint", akkaBuilder => akkaBuilder
                    .AddHocon("akka.scheduler.tick-duration = 1s", HoconAddMode.Prepend)
                    .WithActors((system, _) => system.ActorOf(Props.Create(() => new Idle()), "idle")));
                akka = builder.Build();
                await akka.StartAsync().ConfigureAwait(false);
                break;
            case "kubernetes-client" or "kubernetes-client+KubeconfigFile":
                // What vks does first: read the kubeconfig, list its pods, read its Node and Lease over TLS.
                var config = stage == "kubernetes-client"
                    ? KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig)
                    : KubeconfigFile.Load(kubeconfig);
                client = new Kubernetes(config);
                await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=" + node).ConfigureAwait(false);
                await client.CoreV1.ReadNodeAsync(node).ConfigureAwait(false);
                await client.CoordinationV1.ReadNamespacedLeaseAsync(node, "kube-node-lease").ConfigureAwait(false);
                break;
            default:
                throw new ArgumentException($"Unknown stage '{stage}'; one of {string.Join(", ", Stages)}.");
        }

        await Task.Delay(idle).ConfigureAwait(false);
        // What vks's IdleHeapTrimmer does once vks is quiet.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        MallocTrim(0);
        var status = File.ReadAllLines("/proc/self/status");
        long Field(string name) => long.Parse(
            status.Single(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..].Trim().Split(' ')[0],
            CultureInfo.InvariantCulture);
        Console.WriteLine($"rss-kb {Field("VmRSS")} {Field("RssAnon")} {Field("RssFile")} {Field("RssShmem")}");
        if (akka is not null)
        {
            await akka.StopAsync().ConfigureAwait(false);
            akka.Dispose();
        }

        client?.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    private sealed class Idle : ReceiveActor;
}
