// `kubectl logs` of a long journal, next to journalctl reading the same lines, in a testbed where vks runs under
// systemd (scripts/testbed install-vks, serving certificate approved):
//   dotnet run -c Release --project bench/Vks.Bench -- logs --testbed NAME [--lines 100000] [--repeats 5]
// Every scenario reads the whole log of one container --repeats times, after one round that is not counted; the
// order of the scenarios rotates from round to round so drift in the shared machine's load hits all of them alike.
// See docs/benchmarks.md, "kubectl logs".
using System.Diagnostics;
using System.Globalization;
using k8s;
using Vks.Bench.Testbed;

namespace Vks.Bench.Logs;

internal static class LogsBenchmark
{
    // journald drops a unit's messages beyond RateLimitBurst (10,000, scaled up by free disk space) per 30 s, so a
    // container printing 100k lines at once loses most of them. The benchmark turns the limit off in its machine.
    private const string JournaldDropIn = "/etc/systemd/journald.conf.d/90-vks-logbench.conf";
    private const string JournaldNoRateLimit = "[Journal]\nRateLimitIntervalSec=0\n";
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    public static async Task<int> RunAsync(BenchArguments arguments)
    {
        BenchTestbed testbed = BenchTestbed.Open(arguments.GetString("testbed") ?? throw new ArgumentException("Give --testbed NAME (vks installed with scripts/testbed install-vks)."));
        int lines = (int)arguments.GetDouble("lines", 100_000);
        int repeats = (int)arguments.GetDouble("repeats", 5);
        await PrintMachineAsync(testbed);
        await TurnOffJournaldRateLimitAsync(testbed);

        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(testbed.AdminKubeconfig));
        await using LogPod pod = await LogPod.CreateAsync(client, testbed, lines, p => LogScenarios.CountLinesAsync(testbed, p));
        Console.WriteLine($"pod {pod.Namespace}/{LogPod.PodName} (uid {pod.Uid}), unit {pod.Unit}, run {pod.InvocationId}: {lines} lines in the journal");

        IReadOnlyList<string> unexpected = await LogScenarios.UnexpectedLinesAsync(testbed, pod);
        Console.WriteLine($"lines that are not \"line 1\" ... \"line {lines}\" in order: {unexpected.Count}{string.Concat(unexpected.Take(3).Select(l => "; " + l))}");
        string vksPid = (await testbed.RunInMachineAsync("systemctl", "show", "--property=MainPID", "--value", "vks.service")).Trim();
        var clock = new CpuClock(testbed.MachinePath($"/proc/{vksPid}/stat"), $"/proc/{testbed.ApiServerPid}/stat");
        using HttpClient apiServer = LogScenarios.Https(testbed, "admin", reuseConnections: true);
        using HttpClient kubelet = LogScenarios.Https(testbed, "apiserver-kubelet-client", reuseConnections: true);
        using HttpClient kubeletNewConnection = LogScenarios.Https(testbed, "apiserver-kubelet-client", reuseConnections: false);
        IReadOnlyList<LogScenario> scenarios = LogScenarios.All(testbed, pod, apiServer, kubelet, kubeletNewConnection);
        var reads = scenarios.ToDictionary(s => s.Name, _ => new List<LogRead>(), StringComparer.Ordinal);

        for (int round = 0; round <= repeats; round++)
        {
            Console.WriteLine($"round {round}{(round == 0 ? " (warm-up, not counted)" : "")}: load average {LoadAverage()}");
            for (int i = 0; i < scenarios.Count; i++)
            {
                LogScenario scenario = scenarios[(i + round) % scenarios.Count];
                await Task.Delay(Settle);
                CpuUse before = clock.Now();
                StreamRead stream = await scenario.ReadAsync();
                // vks reaps its journalctl after the response has ended; give it that moment before reading the CPU.
                await Task.Delay(Settle);
                var read = new LogRead(stream, clock.Now() - before);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  {scenario.Name}: first byte {Ms(stream.FirstByte)} ms, total {Ms(stream.Total)} ms, {stream.Lines} lines, {stream.Bytes} bytes in {stream.Chunks} reads; CPU s: {Cpu(read.Cpu)}"));
                if (round > 0)
                {
                    reads[scenario.Name].Add(read);
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine($"load average at the end: {LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| Way of reading | Lines | MB | Reads | First byte, ms | Total, ms | Lines/s | MB/s | CPU s: vks + its journalctl / API server / bench + its children |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (LogScenario scenario in scenarios)
        {
            Console.WriteLine(Row(scenario.Name, reads[scenario.Name]));
        }

        return 0;
    }

    private static string Row(string name, List<LogRead> reads)
    {
        double Median(Func<LogRead, double> of)
        {
            double[] sorted = [.. reads.Select(of).Order()];
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }

        string Spread(Func<LogRead, double> of) =>
            string.Create(CultureInfo.InvariantCulture, $"{Median(of):F0} ({reads.Min(of):F0}–{reads.Max(of):F0})");

        StreamRead any = reads[0].Stream;
        string linesSeen = reads.All(r => r.Stream.Lines == any.Lines) ? any.Lines.ToString(CultureInfo.InvariantCulture) : string.Join('/', reads.Select(r => r.Stream.Lines).Distinct());
        return string.Create(
            CultureInfo.InvariantCulture,
            $"| {name} | {linesSeen} | {any.Bytes / 1e6:F2} | {Median(r => r.Stream.Chunks):F0} | {Spread(r => r.Stream.FirstByte.TotalMilliseconds)} | {Spread(r => r.Stream.Total.TotalMilliseconds)} | {Median(r => r.Stream.Lines / r.Stream.Total.TotalSeconds):F0} | {Median(r => r.Stream.Bytes / 1e6 / r.Stream.Total.TotalSeconds):F2} | {Median(r => r.Cpu.Vks):F2} + {Median(r => r.Cpu.VksChildren):F2} / {Median(r => r.Cpu.ApiServer):F2} / {Median(r => r.Cpu.Bench):F2} + {Median(r => r.Cpu.BenchChildren):F2} |");
    }

    private static async Task TurnOffJournaldRateLimitAsync(BenchTestbed testbed)
    {
        string path = testbed.MachinePath(JournaldDropIn);
        if (File.Exists(path) && await File.ReadAllTextAsync(path) == JournaldNoRateLimit)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, JournaldNoRateLimit);
        await testbed.RunInMachineAsync("systemctl", "restart", "systemd-journald.service");
        Console.WriteLine($"wrote {JournaldDropIn} in the machine (RateLimitIntervalSec=0) and restarted systemd-journald");
    }

    private static async Task PrintMachineAsync(BenchTestbed testbed)
    {
        string kubectl = (await BenchTestbed.RunAsync(BenchTestbed.Command("kubectl", ["version", "--client"]))).Split('\n')[0];
        string journalctl = (await BenchTestbed.RunAsync(BenchTestbed.Command("journalctl", ["--version"]))).Split('\n')[0];
        string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        Console.WriteLine($"host: {Environment.ProcessorCount} cores ({cpu}), .NET {Environment.Version}, {kubectl}, {journalctl}");
        Console.WriteLine($"testbed {testbed.Name}: machine leader PID {testbed.LeaderPid}, API server {testbed.ApiServer} (PID {testbed.ApiServerPid}); load average {LoadAverage()}");
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);

    private static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture);

    private static string Cpu(CpuUse cpu) => string.Create(
        CultureInfo.InvariantCulture,
        $"vks {cpu.Vks:F2} + journalctl {cpu.VksChildren:F2}, API server {cpu.ApiServer:F2}, bench {cpu.Bench:F2} + children {cpu.BenchChildren:F2}");
}
