// The typed systemd API against a real systemd: how long a start takes to show up as active/running through
// PropertiesChanged, and what daemon-reload costs as unit files pile up.
//   dotnet run -c Release --project bench/Vks.Bench -- systemd --testbed NAME [--units N] [--reloads N]
//   dotnet run -c Release --project bench/Vks.Bench -- systemd --address ADDR --unit-dir DIR [...]
// Every unit it writes is named vks-bench-RUN-*.service and is stopped, reset and removed again at the end.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Vks.Systemd.DBus;
using Vks.Systemd.Manager;
using Vks.Systemd.Units;

namespace Vks.Bench.Systemd;

internal static class SystemdBenchmark
{
    private const int WarmUpUnits = 5;
    private static readonly int[] ReloadFileCounts = [0, 100, 500];
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(BenchArguments arguments)
    {
        (string address, string unitDirectory) = Target(arguments);
        int units = (int)arguments.GetDouble("units", 100);
        int reloads = (int)arguments.GetDouble("reloads", 10);
        string run = Guid.NewGuid().ToString("N")[..8];
        var store = new UnitFileStore(unitDirectory);

        await using DBusConnection bus = await DBusConnection.ConnectAsync(address);
        await using SystemdManager systemd = await SystemdManager.StartAsync(bus);
        await PrintMachineAsync(bus, systemd, address, unitDirectory);
        Console.WriteLine("| Scenario | Result |");
        Console.WriteLine("|---|---|");

        string[] startUnits = [.. Enumerable.Range(0, WarmUpUnits + units).Select(i => $"vks-bench-{run}-start-{i}.service")];
        try
        {
            foreach (string unit in startUnits)
            {
                await store.WriteAsync(unit, SleepingService());
            }

            await systemd.ReloadAsync();
            await StartOneAtATimeAsync(systemd, startUnits[..WarmUpUnits], new LatencyRecorder(WarmUpUnits));
            var sequential = new LatencyRecorder(units);
            await StartOneAtATimeAsync(systemd, startUnits[WarmUpUnits..], sequential);
            Report($"StartUnit → PropertiesChanged(active/running), one unit at a time, {units} units", sequential.Summary());

            await StopAllAsync(systemd, startUnits);
            (LatencyRecorder burst, TimeSpan all) = await StartAllAtOnceAsync(systemd, startUnits[WarmUpUnits..]);
            Report($"StartUnit → PropertiesChanged(active/running), {units} units started at once", burst.Summary() + string.Create(CultureInfo.InvariantCulture, $"; all running after {all.TotalMilliseconds:F0} ms"));
        }
        finally
        {
            await StopAllAsync(systemd, startUnits);
            await RemoveAllAsync(systemd, store, startUnits);
        }

        foreach (int count in ReloadFileCounts)
        {
            string[] files = [.. Enumerable.Range(0, count).Select(i => $"vks-bench-{run}-reload-{i}.service")];
            try
            {
                foreach (string unit in files)
                {
                    await store.WriteAsync(unit, SleepingService());
                }

                await systemd.ReloadAsync(); // the first reload after writing sees the files for the first time; not counted
                Report($"daemon-reload with {count} extra unit files present, not loaded", (await TimeReloadsAsync(systemd, reloads)).Summary());

                // vks's units are running, and systemd re-reads the unit file of every loaded unit on reload.
                SystemdJob[] jobs = await Task.WhenAll(files.Select(unit => systemd.StartUnitAsync(unit)));
                foreach (SystemdJob job in jobs)
                {
                    await RequireDoneAsync(job);
                }

                Report($"daemon-reload with {count} extra units running", (await TimeReloadsAsync(systemd, reloads)).Summary());
            }
            finally
            {
                await StopAllAsync(systemd, files);
                await RemoveAllAsync(systemd, store, files);
            }
        }

        return 0;
    }

    /// <summary>Starts each unit and waits for its watch to see active/running before the next. The latency is taken
    /// in the watch callback, so it ends when the signal is handled, not when a continuation gets scheduled.</summary>
    private static async Task StartOneAtATimeAsync(SystemdManager systemd, string[] units, LatencyRecorder latencies)
    {
        foreach (string unit in units)
        {
            long started = 0;
            var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using IAsyncDisposable watch = await systemd.WatchUnitAsync(
                unit,
                state =>
                {
                    if (state.ActiveState == UnitActiveState.Active && state.SubState == "running" && running.TrySetResult())
                    {
                        latencies.Record(Volatile.Read(ref started));
                    }
                },
                error => running.TrySetException(error));
            Volatile.Write(ref started, Stopwatch.GetTimestamp());
            SystemdJob job = await systemd.StartUnitAsync(unit);
            await running.Task.WaitAsync(Patience);
            await RequireDoneAsync(job);
        }
    }

    private static async Task<(LatencyRecorder Latencies, TimeSpan All)> StartAllAtOnceAsync(SystemdManager systemd, string[] units)
    {
        var latencies = new LatencyRecorder(units.Length);
        var recordLock = new Lock();
        var watches = new List<IAsyncDisposable>();
        var running = new List<Task>();
        long[] started = new long[units.Length];
        try
        {
            for (int i = 0; i < units.Length; i++)
            {
                int index = i;
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                running.Add(done.Task);
                watches.Add(await systemd.WatchUnitAsync(
                    units[i],
                    state =>
                    {
                        if (state.ActiveState == UnitActiveState.Active && state.SubState == "running" && done.TrySetResult())
                        {
                            lock (recordLock)
                            {
                                latencies.Record(Volatile.Read(ref started[index]));
                            }
                        }
                    },
                    error => done.TrySetException(error)));
            }

            long burstStarted = Stopwatch.GetTimestamp();
            Task<SystemdJob>[] jobs = new Task<SystemdJob>[units.Length];
            for (int i = 0; i < units.Length; i++)
            {
                Volatile.Write(ref started[i], Stopwatch.GetTimestamp());
                jobs[i] = systemd.StartUnitAsync(units[i]);
            }

            await Task.WhenAll(running).WaitAsync(Patience);
            TimeSpan all = Stopwatch.GetElapsedTime(burstStarted);
            foreach (SystemdJob job in await Task.WhenAll(jobs))
            {
                await RequireDoneAsync(job);
            }

            return (latencies, all);
        }
        finally
        {
            foreach (IAsyncDisposable watch in watches)
            {
                await watch.DisposeAsync();
            }
        }
    }

    private static async Task<LatencyRecorder> TimeReloadsAsync(SystemdManager systemd, int reloads)
    {
        var latencies = new LatencyRecorder(reloads);
        for (int i = 0; i < reloads; i++)
        {
            long started = Stopwatch.GetTimestamp();
            await systemd.ReloadAsync();
            latencies.Record(started);
        }

        return latencies;
    }

    private static async Task StopAllAsync(SystemdManager systemd, string[] units)
    {
        SystemdJob[] jobs = await Task.WhenAll(units.Select(unit => systemd.StopUnitAsync(unit)));
        await Task.WhenAll(jobs.Select(job => job.Completion)).WaitAsync(Patience);
    }

    private static async Task RemoveAllAsync(SystemdManager systemd, UnitFileStore store, string[] units)
    {
        foreach (string unit in units)
        {
            await store.RemoveAsync(unit);
        }

        await systemd.ReloadAsync();
    }

    private static async Task RequireDoneAsync(SystemdJob job)
    {
        JobOutcome outcome = await job.Completion.WaitAsync(Patience);
        if (outcome.Result != JobResult.Done)
        {
            throw new InvalidOperationException($"Starting {job.UnitName} ended with {outcome.Result}.");
        }
    }

    private static UnitFile SleepingService() => new(
    [
        new UnitSection("Unit", [UnitDirective.Plain("Description", "vks benchmark unit")]),
        new UnitSection("Service", [UnitDirective.Exec("ExecStart", new ExecCommand("/bin/sleep", ["infinity"]))]),
    ]);

    /// <summary>The bus and unit directory: a testbed machine's (through its PID 1's root), or given outright.</summary>
    private static (string Address, string UnitDirectory) Target(BenchArguments arguments)
    {
        if (arguments.GetString("testbed") is { } testbed)
        {
            string state = Path.Combine("/run/vks-testbed", testbed, "state.env");
            string leader = File.ReadLines(state).Where(line => line.StartsWith("LEADER_PID=", StringComparison.Ordinal)).Select(line => line["LEADER_PID=".Length..]).LastOrDefault()
                ?? throw new InvalidOperationException($"{state} names no LEADER_PID; is the testbed up?");
            string root = $"/proc/{int.Parse(leader, CultureInfo.InvariantCulture)}/root";
            return ($"unix:path={root}/run/dbus/system_bus_socket", $"{root}/run/systemd/system");
        }

        // No default directory: a benchmark must not write units into the host's systemd by accident.
        return (arguments.GetString("address") ?? throw new ArgumentException("Give --testbed NAME, or --address ADDR with --unit-dir DIR."),
            arguments.GetString("unit-dir") ?? throw new ArgumentException("--address needs --unit-dir DIR (where that systemd reads unit files)."));
    }

    private static async Task PrintMachineAsync(DBusConnection bus, SystemdManager systemd, string address, string unitDirectory)
    {
        string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        Variant version = await bus.GetPropertyAsync(SystemdBus.ServiceName, SystemdBus.ManagerPath, SystemdBus.ManagerInterface, "Version");
        IReadOnlyList<ListedUnit> loaded = await systemd.ListUnitsByPatternsAsync([], []);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {cpu}, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        Console.WriteLine($"systemd {version.GetString()} with {loaded.Count} units loaded; bus {address}; unit files in {unitDirectory}");
        Console.WriteLine($"load average before the run: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine();
    }

    private static void Report(string scenario, string result) => Console.WriteLine($"| {scenario} | {result} |");
}
