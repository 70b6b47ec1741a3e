// vks as a node agent, end to end in a testbed where vks runs under systemd (scripts/testbed install-vks):
//   dotnet run -c Release --project bench/Vks.Bench -- node-agent --testbed NAME
//     [--scenarios start,kill,idle,lifecycle] [--pods 1,50,200] [--repeats 3] [--kills 30]
//     [--idle-pods 0,200] [--idle-seconds 60] [--settle-seconds 20] [--lifecycles 3]
// Every run gets its own namespace, deleted (and waited for) at its end. See docs/benchmarks.md, "Node agent".
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using k8s;
using k8s.Models;
using Vks.Node.Pods;
using Vks.Systemd.DBus;
using Vks.Systemd.Manager;
using Vks.Bench.Testbed;

namespace Vks.Bench.NodeAgent;

internal static class NodeAgentBenchmark
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    public static async Task<int> RunAsync(BenchArguments arguments)
    {
        BenchTestbed machine = BenchTestbed.Open(arguments.GetString("testbed") ?? throw new ArgumentException("Give --testbed NAME (vks installed with scripts/testbed install-vks)."));
        string[] scenarios = List(arguments, "scenarios", "start,kill,idle,lifecycle");
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(machine.AdminKubeconfig));
        await using DBusConnection bus = await DBusConnection.ConnectAsync(machine.BusAddress);
        await using SystemdManager systemd = await SystemdManager.StartAsync(bus);
        PrintMachine(machine);

        if (scenarios.Contains("start"))
        {
            await StartLatencyAsync(client, systemd, machine, [.. List(arguments, "pods", "1,50,200").Select(int.Parse)], (int)arguments.GetDouble("repeats", 3));
        }

        if (scenarios.Contains("kill"))
        {
            await FailureDetectionAsync(client, systemd, machine, (int)arguments.GetDouble("kills", 30));
        }

        if (scenarios.Contains("idle"))
        {
            foreach (int pods in List(arguments, "idle-pods", "0,200").Select(int.Parse))
            {
                await IdleCostAsync(client, systemd, machine, pods, TimeSpan.FromSeconds(arguments.GetDouble("settle-seconds", 20)), TimeSpan.FromSeconds(arguments.GetDouble("idle-seconds", 60)));
            }
        }

        if (scenarios.Contains("lifecycle"))
        {
            await LifecycleWritesAsync(client, (int)arguments.GetDouble("lifecycles", 3));
        }

        return 0;
    }

    /// <summary>Pods created at once; each pod's latency runs from its create call's return to the watch event that
    /// shows it Running with Ready=True. The split at "bound" (spec.nodeName set by the scheduler, seen by the watch)
    /// separates the scheduler's share from vks's.</summary>
    private static async Task StartLatencyAsync(Kubernetes client, SystemdManager systemd, BenchTestbed machine, int[] podCounts, int repeats)
    {
        Console.WriteLine("## Pod start latency (create returned → Running+Ready seen by the watch)");
        foreach (int count in podCounts)
        {
            var all = new Latencies();
            for (int run = 1; run <= repeats; run++)
            {
                string load = LoadAverage();
                await using BenchNamespace ns = await BenchNamespace.CreateAsync(client, $"start{count}");
                Task<long>[] bound = [.. Enumerable.Range(0, count).Select(i => ns.Watch.WhenAsync(BenchNamespace.PodName(i), (_, pod) => !string.IsNullOrEmpty(pod.Spec?.NodeName)))];
                Task<long>[] ready = [.. Enumerable.Range(0, count).Select(i => ns.Watch.WhenAsync(BenchNamespace.PodName(i), (_, pod) => BenchNamespace.IsRunningAndReady(pod)))];
                long burstStarted = Stopwatch.GetTimestamp();
                long[] created = await ns.CreatePodsAsync(count);
                long[] readyAt = await Task.WhenAll(ready).WaitAsync(Patience);
                long[] boundAt = await Task.WhenAll(bound).WaitAsync(Patience);

                var createToReady = new Latencies();
                var createToBound = new Latencies();
                var boundToReady = new Latencies();
                for (int i = 0; i < count; i++)
                {
                    createToReady.Add(created[i], readyAt[i]);
                    createToBound.Add(created[i], boundAt[i]);
                    boundToReady.Add(boundAt[i], readyAt[i]);
                }

                all.AddRange(createToReady);
                Console.WriteLine(Invariant($"| {count} pods, run {run} (load {load}) | create→ready {createToReady.Summary()} | create→bound {createToBound.Summary()} | bound→ready {boundToReady.Summary()} | first create sent → all ready {(readyAt.Max() - burstStarted) * 1000.0 / Stopwatch.Frequency:F0} ms |"));
            }

            Console.WriteLine($"| {count} pods, all runs | create→ready {all.Summary()} |");
            for (int run = 1; run <= repeats; run++)
            {
                string load = LoadAverage();
                Latencies alone = await SystemdAloneAsync(systemd, machine, count);
                Console.WriteLine(Invariant($"| {count} units, systemd alone, run {run} (load {load}) | StartUnit sent → job done {alone.Summary()} |"));
            }
        }

        Console.WriteLine();
    }

    /// <summary>The peer of a start: systemd alone starting as many units as vks would, in the same machine. Unit files
    /// like vks's (Type=exec, sleep infinity, journal output, accounting) are written beforehand; then StartUnit goes
    /// out for all at once, and each unit's time runs until its start job is done (Type=exec: the program runs).
    /// Afterwards the units are stopped and their files removed.</summary>
    private static async Task<Latencies> SystemdAloneAsync(SystemdManager systemd, BenchTestbed machine, int count)
    {
        string[] units = [.. Enumerable.Range(0, count).Select(i => $"vks-bench-alone-{i}.service")];
        foreach (string unit in units)
        {
            await File.WriteAllTextAsync(machine.MachinePath($"/run/systemd/system/{unit}"), AloneUnit);
        }

        var latencies = new Latencies();
        try
        {
            long sent = Stopwatch.GetTimestamp();
            SystemdJob[] jobs = await Task.WhenAll(units.Select(unit => systemd.StartUnitAsync(unit)));
            long[] done = await Task.WhenAll(jobs.Select(async job =>
            {
                await job.Completion.WaitAsync(Patience);
                return Stopwatch.GetTimestamp();
            }));
            foreach (long at in done)
            {
                latencies.Add(sent, at);
            }
        }
        finally
        {
            SystemdJob[] stops = await Task.WhenAll(units.Select(unit => systemd.StopUnitAsync(unit)));
            await Task.WhenAll(stops.Select(stop => stop.Completion.WaitAsync(Patience)));
            foreach (string unit in units)
            {
                File.Delete(machine.MachinePath($"/run/systemd/system/{unit}"));
            }
        }

        return latencies;
    }

    private const string AloneUnit = """
        [Unit]
        Description=vks benchmark: systemd alone
        StartLimitIntervalSec=0

        [Service]
        Type=exec
        ExecStart=/usr/bin/sleep infinity
        Restart=always
        RestartSec=10s
        KillMode=mixed
        StandardOutput=journal
        StandardError=journal
        LogRateLimitIntervalSec=1s
        LogRateLimitBurst=1000000
        CPUAccounting=yes
        MemoryAccounting=yes

        """;

    /// <summary>One kill per pod (so no pod reaches a restart back-off): SIGKILL to the container's main process with
    /// kill(2) from the host, from the moment the signal is sent until the watch shows the pod's status change.
    /// systemd learns of the death as any process's parent does (SIGCHLD), so nothing but vks' path is timed.</summary>
    private static async Task FailureDetectionAsync(Kubernetes client, SystemdManager systemd, BenchTestbed machine, int kills)
    {
        Console.WriteLine($"## Failure detection (SIGKILL sent to the main process → pod status shows it, seen by the watch), load {LoadAverage()}");
        await using BenchNamespace ns = await BenchNamespace.CreateAsync(client, "kill");
        await ns.CreateRunningPodsAsync(kills);
        await Task.Delay(TimeSpan.FromSeconds(5)); // the start's status writes and events are done

        var detection = new Latencies();
        var shownBy = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < kills; i++)
        {
            string name = BenchNamespace.PodName(i);
            V1Pod pod = ns.Watch.Latest(name) ?? throw new InvalidOperationException($"The watch lost {name}.");
            int restarts = pod.Status.ContainerStatuses.Single().RestartCount;
            string unit = ContainerUnitName.For(ns.Name, name, pod.Metadata.Uid, BenchNamespace.ContainerName);
            UnitState state = await systemd.GetUnitStateAsync(unit);
            using Process main = Process.GetProcessById(machine.HostPid(state.ExecMainPid));
            string? shown = null;
            Task<long> seen = ns.Watch.WhenAsync(name, (_, changed) => (shown = FailureShown(changed, restarts)) is not null);

            long sent = Stopwatch.GetTimestamp();
            main.Kill(); // kill(pid, SIGKILL)
            long seenAt = await seen.WaitAsync(TimeSpan.FromSeconds(60));
            detection.Add(sent, seenAt);
            shownBy[shown!] = shownBy.GetValueOrDefault(shown!) + 1;
            await Task.Delay(TimeSpan.FromMilliseconds(500)); // one failure at a time
        }

        Console.WriteLine($"| kill → status | {detection.Summary()} |");
        Console.WriteLine($"| first status that showed it | {string.Join(", ", shownBy.Select(entry => $"{entry.Key}: {entry.Value}"))} |");
        Console.WriteLine();
    }

    private static string? FailureShown(V1Pod pod, int restartsBefore)
    {
        V1ContainerStatus? status = pod.Status?.ContainerStatuses?.SingleOrDefault();
        return status switch
        {
            null => null,
            { RestartCount: var count } when count > restartsBefore => "restartCount+1",
            { State.Terminated: not null } => "state terminated",
            { State.Waiting: { } waiting } => $"state waiting ({waiting.Reason})",
            { Ready: false } => "ready=false",
            _ => null,
        };
    }

    /// <summary>With N pods running and nothing changing: vks's memory, the CPU of vks, the machine's systemd and its
    /// dbus-daemon, vks's D-Bus messages and all API writes, over a window after a settling time.</summary>
    private static async Task IdleCostAsync(Kubernetes client, SystemdManager systemd, BenchTestbed machine, int pods, TimeSpan settle, TimeSpan window)
    {
        await using BenchNamespace ns = await BenchNamespace.CreateAsync(client, "idle");
        await ns.CreateRunningPodsAsync(pods);
        await Task.Delay(settle);

        uint vksPid = (await systemd.GetUnitStateAsync("vks.service")).ExecMainPid;
        MachineProcess[] processes =
        [
            new(machine, "vks", vksPid),
            new(machine, "systemd (PID 1)", 1),
            new(machine, "dbus-daemon", (await systemd.GetUnitStateAsync("dbus.service")).ExecMainPid),
        ];
        await using DBusTraffic traffic = await DBusTraffic.StartAsync(machine, vksPid);
        string load = LoadAverage();
        Dictionary<string, double> writesBefore = await ApiWriteCounter.ReadAsync(client);
        double[] cpuBefore = [.. processes.Select(p => p.CpuSeconds())];
        double from = DBusTraffic.Now();
        long started = Stopwatch.GetTimestamp();

        await Task.Delay(window);

        double[] cpuAfter = [.. processes.Select(p => p.CpuSeconds())];
        double to = DBusTraffic.Now();
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        SortedDictionary<string, double> writes = ApiWriteCounter.Delta(writesBefore, await ApiWriteCounter.ReadAsync(client));
        (int sent, int toVks, int signals, IReadOnlyList<string> samples) = await traffic.CountAsync(from, to);

        Console.WriteLine(Invariant($"## Idle cost, {pods} pods running, {seconds:F0} s window after {settle.TotalSeconds:F0} s settling, load {load} → {LoadAverage()}"));
        Console.WriteLine($"| vks memory (end of window) | {processes[0].Memory()} |");
        for (int i = 0; i < processes.Length; i++)
        {
            Console.WriteLine(Invariant($"| CPU {processes[i].Label} | {(cpuAfter[i] - cpuBefore[i]) / seconds * 100:F2} % of one core ({cpuAfter[i] - cpuBefore[i]:F2} s) |"));
        }

        Console.WriteLine(Invariant($"| D-Bus messages sent by vks | {sent} ({sent / seconds:F2}/s) |"));
        Console.WriteLine(Invariant($"| D-Bus messages to vks | {toVks} ({toVks / seconds:F2}/s) |"));
        Console.WriteLine(Invariant($"| systemd broadcast signals | {signals} ({signals / seconds:F2}/s) |"));
        Console.WriteLine(Invariant($"| API writes (all clients) | {ApiWriteCounter.Format(writes)}; {writes.Values.Sum() / seconds:F2}/s |"));
        foreach (string sample in samples)
        {
            Console.WriteLine($"    d-bus: {sample}");
        }

        Console.WriteLine();
    }

    /// <summary>One pod at a time: create, wait Running+Ready, delete (default grace period), wait until the watch
    /// sees it gone, wait 5 s for trailing events, and count every API write in that window.</summary>
    private static async Task LifecycleWritesAsync(Kubernetes client, int lifecycles)
    {
        Console.WriteLine($"## API writes per pod lifecycle (create → Running+Ready → delete → gone, +5 s), load {LoadAverage()}");
        Console.WriteLine("The benchmark's own writes are 1 POST pods (json) and 1 DELETE pods (json); the rest is vks (json) and the control plane (protobuf).");
        await using BenchNamespace ns = await BenchNamespace.CreateAsync(client, "life");
        await Task.Delay(TimeSpan.FromSeconds(3));
        for (int i = 0; i < lifecycles; i++)
        {
            string name = BenchNamespace.PodName(i);
            Task<long> ready = ns.Watch.WhenAsync(name, (_, pod) => BenchNamespace.IsRunningAndReady(pod));
            Task<long> gone = ns.Watch.WhenAsync(name, (type, _) => type == WatchEventType.Deleted);
            Dictionary<string, double> before = await ApiWriteCounter.ReadAsync(client);
            long started = Stopwatch.GetTimestamp();

            long created = await ns.CreatePodAsync(i);
            long readyAt = await ready.WaitAsync(Patience);
            await client.CoreV1.DeleteNamespacedPodAsync(name, ns.Name);
            long goneAt = await gone.WaitAsync(Patience);
            await Task.Delay(TimeSpan.FromSeconds(5));

            SortedDictionary<string, double> writes = ApiWriteCounter.Delta(before, await ApiWriteCounter.ReadAsync(client));
            Console.WriteLine(Invariant($"| lifecycle {i + 1} ({Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s; create→ready {(readyAt - created) * 1000.0 / Stopwatch.Frequency:F0} ms, ready→gone {(goneAt - readyAt) * 1000.0 / Stopwatch.Frequency:F0} ms) | {ApiWriteCounter.Format(writes)} |"));
        }

        Console.WriteLine();
    }

    private static void PrintMachine(BenchTestbed machine)
    {
        string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {cpu}, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        Console.WriteLine($"testbed {machine.Name}; load average before the run: {LoadAverage()}");
        Console.WriteLine();
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);

    private static string[] List(BenchArguments arguments, string name, string defaultValue) =>
        (arguments.GetString(name) ?? defaultValue).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
