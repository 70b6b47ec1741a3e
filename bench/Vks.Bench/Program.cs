// vks benchmarks: one subcommand per benchmark family, each in its own folder.
//   dotnet run -c Release --project bench/Vks.Bench -- dbus [--address ADDR] [--seconds N]
//   dotnet run -c Release --project bench/Vks.Bench -- dbus-metrics [--address ADDR] [--seconds N] [--rounds N]
//   dotnet run -c Release --project bench/Vks.Bench -- node-agent --testbed NAME [--scenarios start,kill,idle,lifecycle]
//   dotnet run -c Release --project bench/Vks.Bench -- logs --testbed NAME [--lines 100000] [--repeats 5]
//   dotnet run -c Release --project bench/Vks.Bench -- footprint --kubeconfig FILE --node NAME [--repeats 3]
using Vks.Bench;
using Vks.Bench.DBus;

var families = new Dictionary<string, Func<BenchArguments, Task<int>>>(StringComparer.Ordinal)
{
    ["dbus"] = DBusBenchmark.RunAsync,
    ["dbus-metrics"] = DBusMetricsBenchmark.RunAsync,
    ["systemd"] = Vks.Bench.Systemd.SystemdBenchmark.RunAsync,
    ["node-agent"] = Vks.Bench.NodeAgent.NodeAgentBenchmark.RunAsync,
    ["logs"] = Vks.Bench.Logs.LogsBenchmark.RunAsync,
    ["footprint"] = Vks.Bench.Footprint.FootprintBenchmark.RunAsync,
};

if (args.Length == 0 || !families.TryGetValue(args[0], out Func<BenchArguments, Task<int>>? run))
{
    Console.Error.WriteLine($"usage: Vks.Bench <{string.Join('|', families.Keys)}> [--option value ...]");
    return 2;
}

return await run(BenchArguments.Parse(args[1..]));
