using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Vks.Systemd.DBus;

namespace Vks.Bench.DBus;

/// <summary>The D-Bus client against a real dbus-daemon (a private one unless --address names another bus):
/// round-trip latency of a small call and of Properties.GetAll, pipelined calls per second, and the same small call
/// made by busctl in a loop as a reference.</summary>
internal static class DBusBenchmark
{
    // Calls awaiting replies at once; the client is allowed as many (its default is lower, for the system bus).
    internal const int InFlight = 128;

    public static async Task<int> RunAsync(BenchArguments arguments)
    {
        TimeSpan duration = TimeSpan.FromSeconds(arguments.GetDouble("seconds", 5));
        string? givenAddress = arguments.GetString("address");
        await using BenchBus? privateBus = givenAddress is null ? await BenchBus.StartAsync() : null;
        string address = givenAddress ?? privateBus!.Address;

        PrintMachine(address, duration);
        await using DBusConnection client = await DBusConnection.ConnectAsync(address, new DBusConnectionOptions { MaxPendingCalls = DBusBenchmark.InFlight });
        await using DBusConnection peer = await DBusConnection.ConnectAsync(address);
        PropertiesPeer.Serve(peer);

        Func<Task> ping = () => client.CallMethodAsync(DBusConnection.BusName, DBusConnection.BusPath, "org.freedesktop.DBus.Peer", "Ping");
        Func<Task> getAll = () => client.GetAllPropertiesAsync(peer.UniqueName, PropertiesPeer.UnitPath, PropertiesPeer.Interface);

        // Warm up: JIT, tiered compilation and the thread pool.
        await SequentialAsync(ping, TimeSpan.FromSeconds(1));
        await SequentialAsync(getAll, TimeSpan.FromSeconds(1));
        await PipelinedAsync(ping, TimeSpan.FromSeconds(1));

        Console.WriteLine("| Scenario | Result |");
        Console.WriteLine("|---|---|");
        Report("Peer.Ping to the bus, one call at a time", await SequentialAsync(ping, duration));
        Report("Properties.GetAll (10 properties) to a peer, one call at a time", await SequentialAsync(getAll, duration));
        Report($"Peer.Ping to the bus, pipelined ({InFlight} in flight)", await PipelinedAsync(ping, duration));
        Report($"Properties.GetAll to a peer, pipelined ({InFlight} in flight)", await PipelinedAsync(getAll, duration));
        Report("busctl call ... Peer.Ping in a loop (a process per call)", await BusctlAsync(address, duration));
        return 0;
    }

    internal static async Task<Result> SequentialAsync(Func<Task> call, TimeSpan duration)
    {
        var latencies = new LatencyRecorder((int)(duration.TotalSeconds * 200_000) + 1000);
        int gen0 = GC.CollectionCount(0);
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        long started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < duration && !latencies.IsFull)
        {
            long callStarted = Stopwatch.GetTimestamp();
            await call();
            latencies.Record(callStarted);
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        return new Result(latencies, latencies.Count / elapsed.TotalSeconds, (GC.GetTotalAllocatedBytes(precise: true) - allocated) / Math.Max(1, latencies.Count), GC.CollectionCount(0) - gen0);
    }

    internal static async Task<Result> PipelinedAsync(Func<Task> call, TimeSpan duration)
    {
        long completed = 0;
        int gen0 = GC.CollectionCount(0);
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        long started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, InFlight).Select(async _ =>
        {
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                await call();
                Interlocked.Increment(ref completed);
            }
        }));

        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        return new Result(null, completed / elapsed.TotalSeconds, (GC.GetTotalAllocatedBytes(precise: true) - allocated) / Math.Max(1, completed), GC.CollectionCount(0) - gen0);
    }

    private static async Task<Result> BusctlAsync(string address, TimeSpan duration)
    {
        var latencies = new LatencyRecorder((int)(duration.TotalSeconds * 10_000) + 100);
        long started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < duration && !latencies.IsFull)
        {
            long callStarted = Stopwatch.GetTimestamp();
            using Process busctl = Process.Start(new ProcessStartInfo("/usr/bin/busctl")
            {
                ArgumentList = { "--address=" + address, "call", DBusConnection.BusName, DBusConnection.BusPath, "org.freedesktop.DBus.Peer", "Ping" },
                RedirectStandardOutput = true,
            }) ?? throw new InvalidOperationException("busctl did not start.");
            await busctl.WaitForExitAsync();
            if (busctl.ExitCode != 0)
            {
                throw new InvalidOperationException($"busctl exited with {busctl.ExitCode}.");
            }

            latencies.Record(callStarted);
        }

        return new Result(latencies, latencies.Count / Stopwatch.GetElapsedTime(started).TotalSeconds, null, null);
    }

    private static void Report(string scenario, Result result)
    {
        string allocation = result.BytesPerCall is { } bytes ? string.Create(CultureInfo.InvariantCulture, $"; {bytes} B allocated/call, {result.Gen0Collections} gen0 GCs") : string.Empty;
        string latency = result.Latencies is { } latencies ? "; " + latencies.Summary() : string.Empty;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {scenario} | {result.CallsPerSecond,9:N0} calls/s{latency}{allocation} |"));
    }

    internal static void PrintMachine(string address, TimeSpan duration)
    {
        string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {cpu}, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        Console.WriteLine($"load average before the run: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"bus: {address}; {duration.TotalSeconds} s per scenario after 1 s of warm-up");
        Console.WriteLine();
    }

    internal sealed record Result(LatencyRecorder? Latencies, double CallsPerSecond, long? BytesPerCall, int? Gen0Collections);
}
