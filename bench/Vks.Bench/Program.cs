// vks benchmarks: one subcommand per benchmark family, each in its own folder.
//   dotnet run -c Release --project bench/Vks.Bench -- dbus [--address ADDR] [--seconds N]
using Vks.Bench;
using Vks.Bench.DBus;

var families = new Dictionary<string, Func<BenchArguments, Task<int>>>(StringComparer.Ordinal)
{
    ["dbus"] = DBusBenchmark.RunAsync,
    ["systemd"] = Vks.Bench.Systemd.SystemdBenchmark.RunAsync,
};

if (args.Length == 0 || !families.TryGetValue(args[0], out Func<BenchArguments, Task<int>>? run))
{
    Console.Error.WriteLine($"usage: Vks.Bench <{string.Join('|', families.Keys)}> [--option value ...]");
    return 2;
}

return await run(BenchArguments.Parse(args[1..]));
