using System.Diagnostics;
using System.Globalization;
using Vks.Node.KubeletApi.Metrics;
using Vks.Systemd;
using Vks.Systemd.DBus;

namespace Vks.Bench.DBus;

/// <summary>What the metrics cost the D-Bus hot path: the dbus benchmark's Ping scenarios with nothing listening
/// to the Vks.* meters, then with the /metrics exporter attached, in alternating rounds (so drift of a shared
/// machine hits both sides alike); then the instrumentation alone, without I/O; then one scrape.</summary>
internal static class DBusMetricsBenchmark
{
    private const int InstrumentationCalls = 2_000_000;

    public static async Task<int> RunAsync(BenchArguments arguments)
    {
        TimeSpan duration = TimeSpan.FromSeconds(arguments.GetDouble("seconds", 5));
        int rounds = (int)arguments.GetDouble("rounds", 3);
        string? givenAddress = arguments.GetString("address");
        await using BenchBus? privateBus = givenAddress is null ? await BenchBus.StartAsync() : null;
        string address = givenAddress ?? privateBus!.Address;

        DBusBenchmark.PrintMachine(address, duration);
        Console.WriteLine($"{rounds} rounds, each: without a listener, then with the exporter (the order swaps every round)");
        Console.WriteLine();
        await using DBusConnection client = await DBusConnection.ConnectAsync(address, new DBusConnectionOptions { MaxPendingCalls = DBusBenchmark.InFlight });
        Func<Task> ping = () => client.CallMethodAsync(DBusConnection.BusName, DBusConnection.BusPath, "org.freedesktop.DBus.Peer", "Ping");

        await DBusBenchmark.SequentialAsync(ping, TimeSpan.FromSeconds(1));
        await DBusBenchmark.PipelinedAsync(ping, TimeSpan.FromSeconds(1));

        var sequential = new Samples();
        var pipelined = new Samples();
        for (int round = 0; round < rounds; round++)
        {
            foreach (bool listening in round % 2 == 0 ? new[] { false, true } : [true, false])
            {
                using VksMetricsExporter? exporter = listening ? new VksMetricsExporter() : null;
                sequential.Add(listening, await DBusBenchmark.SequentialAsync(ping, duration));
                pipelined.Add(listening, await DBusBenchmark.PipelinedAsync(ping, duration));
            }
        }

        Console.WriteLine("| Scenario (median of the rounds; lowest–highest) | Without a listener | With the exporter | Change of the medians |");
        Console.WriteLine("|---|---|---|---|");
        sequential.Report("Peer.Ping, one call at a time");
        pipelined.Report("Peer.Ping, pipelined (128 in flight)");
        ReportInstrumentation(InstrumentationAlone(listening: false), InstrumentationAlone(listening: true));

        using (var exporter = new VksMetricsExporter())
        {
            await DBusBenchmark.PipelinedAsync(ping, TimeSpan.FromSeconds(1));
            long started = Stopwatch.GetTimestamp();
            exporter.Collect();
            TimeSpan first = Stopwatch.GetElapsedTime(started);
            started = Stopwatch.GetTimestamp();
            string text = exporter.Collect();
            TimeSpan second = Stopwatch.GetElapsedTime(started);
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"a scrape (Collect) after 1 s of pipelined pings: {text.Length:N0} characters, {text.Split('\n').Length - 1} lines; the first took {first.TotalMicroseconds:N0} µs (JIT included), the next {second.TotalMicroseconds:N0} µs"));
        }

        return 0;
    }

    /// <summary>The calls SystemdMetrics makes for one answered D-Bus call (sent, then answered), in a loop on one
    /// thread: the cost per call without the I/O around it.</summary>
    private static (double Nanoseconds, double Bytes) InstrumentationAlone(bool listening)
    {
        using VksMetricsExporter? exporter = listening ? new VksMetricsExporter() : null;
        // Warm-up long enough for tiered compilation to reach the optimised code.
        long warmUp = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(warmUp) < TimeSpan.FromSeconds(1))
        {
            RecordOneCall();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread();
        long started = Stopwatch.GetTimestamp();
        for (int i = 0; i < InstrumentationCalls; i++)
        {
            RecordOneCall();
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        return (elapsed.TotalNanoseconds / InstrumentationCalls, (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)InstrumentationCalls);

        static void RecordOneCall()
        {
            SystemdMetrics.CallSent("org.freedesktop.DBus.Peer", "Ping");
            SystemdMetrics.CallAnswered("org.freedesktop.DBus.Peer", "Ping", TimeSpan.FromMicroseconds(50));
        }
    }

    private static void ReportInstrumentation((double Nanoseconds, double Bytes) without, (double Nanoseconds, double Bytes) with) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| Instrumentation alone (CallSent + CallAnswered, one thread, no I/O) | {without.Nanoseconds:F1} ns/call, {without.Bytes:F0} B/call | {with.Nanoseconds:F1} ns/call, {with.Bytes:F0} B/call | +{with.Nanoseconds - without.Nanoseconds:F0} ns/call |"));

    /// <summary>The results of one scenario, with and without the exporter, over the rounds.</summary>
    private sealed class Samples
    {
        private readonly List<DBusBenchmark.Result> _without = [];
        private readonly List<DBusBenchmark.Result> _with = [];

        public void Add(bool listening, DBusBenchmark.Result result) => (listening ? _with : _without).Add(result);

        public void Report(string scenario)
        {
            DBusBenchmark.Result without = Median(_without);
            DBusBenchmark.Result with = Median(_with);
            double change = (with.CallsPerSecond / without.CallsPerSecond - 1) * 100;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {scenario} | {Describe(without)}; rounds {Range(_without)} | {Describe(with)}; rounds {Range(_with)} | {change:+0.0;-0.0} % calls/s |"));
        }

        private static string Range(List<DBusBenchmark.Result> results) =>
            string.Create(CultureInfo.InvariantCulture, $"{results.Min(r => r.CallsPerSecond):N0}–{results.Max(r => r.CallsPerSecond):N0}");

        private static DBusBenchmark.Result Median(List<DBusBenchmark.Result> results) =>
            results.OrderBy(r => r.CallsPerSecond).ElementAt(results.Count / 2);

        private static string Describe(DBusBenchmark.Result result) => string.Create(
            CultureInfo.InvariantCulture,
            $"{result.CallsPerSecond:N0} calls/s{(result.Latencies is { } latencies ? $", p50 {latencies.PercentileMicroseconds(50):F0} µs, p99 {latencies.PercentileMicroseconds(99):F0} µs" : "")}, {result.BytesPerCall} B/call");
    }
}
