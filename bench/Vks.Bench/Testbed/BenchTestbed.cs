// A testbed as the benchmarks reach it from the host: state.env for the machine's leader PID, the API server's port
// and PID; pki/ for client certificates; the machine's file system, journal and system bus through its PID 1
// (/proc/LEADER_PID/root); commands inside the machine through `nsenter -t LEADER_PID -a`, as `scripts/testbed exec`
// runs them. Starting a process costs milliseconds, so benchmarks run commands outside their measured windows.
using System.Diagnostics;
using System.Globalization;

namespace Vks.Bench.Testbed;

internal sealed class BenchTestbed
{
    private readonly IReadOnlyDictionary<string, string> _state;

    private BenchTestbed(string name, IReadOnlyDictionary<string, string> state)
    {
        Name = name;
        _state = state;
    }

    /// <summary>The testbed's name, which is also vks's node name.</summary>
    public string Name { get; }

    public string StateDirectory => Path.Combine("/run/vks-testbed", Name);

    public int LeaderPid => int.Parse(_state["LEADER_PID"], CultureInfo.InvariantCulture);

    public int ApiServerPid => int.Parse(State("kube_apiserver_PID"), CultureInfo.InvariantCulture);

    public Uri ApiServer => new($"https://127.0.0.1:{State("API_PORT")}");

    public string AdminKubeconfig => Path.Combine(StateDirectory, "admin.kubeconfig");

    public string BusAddress => $"unix:path={MachinePath("/run/dbus/system_bus_socket")}";

    public string Pki(string file) => Path.Combine(StateDirectory, "pki", file);

    public static BenchTestbed Open(string name)
    {
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.StartsWith('.'))
        {
            throw new ArgumentException($"'{name}' is not a testbed name.", nameof(name));
        }

        string stateFile = Path.Combine("/run/vks-testbed", name, "state.env");
        // Later lines win: the testbed appends, and a key may repeat.
        var state = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(stateFile))
        {
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                state[line[..equals]] = line[(equals + 1)..];
            }
        }

        return state.ContainsKey("LEADER_PID")
            ? new BenchTestbed(name, state)
            : throw new InvalidOperationException($"{stateFile} names no LEADER_PID; is the testbed up?");
    }

    /// <summary>A path inside the machine, seen from the host.</summary>
    public string MachinePath(string path) => $"/proc/{LeaderPid}/root{path}";

    /// <summary>The host's pid of the machine's process <paramref name="machinePid"/>: the process in the machine's
    /// pid namespace whose innermost pid (the last of /proc/PID/status NSpid) it is.</summary>
    public int HostPid(uint machinePid)
    {
        string machineNamespace = new FileInfo($"/proc/{LeaderPid}/ns/pid").LinkTarget
            ?? throw new InvalidOperationException("The machine's pid namespace cannot be read.");
        string wanted = machinePid.ToString(CultureInfo.InvariantCulture);
        foreach (string process in Directory.EnumerateDirectories("/proc").Where(p => Path.GetFileName(p).All(char.IsAsciiDigit)))
        {
            try
            {
                if (new FileInfo(Path.Combine(process, "ns/pid")).LinkTarget != machineNamespace)
                {
                    continue;
                }

                string? nsPid = File.ReadLines(Path.Combine(process, "status")).FirstOrDefault(line => line.StartsWith("NSpid:", StringComparison.Ordinal));
                if (nsPid?.Split('\t', StringSplitOptions.RemoveEmptyEntries)[^1] == wanted)
                {
                    return int.Parse(Path.GetFileName(process), CultureInfo.InvariantCulture);
                }
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // The process ended while it was read.
            }
        }

        throw new InvalidOperationException($"No process of the machine has pid {machinePid}.");
    }

    /// <summary>The start of a command run inside the machine (all its namespaces); its output is redirected.</summary>
    public ProcessStartInfo InMachine(params string[] command) =>
        Command("nsenter", ["-t", LeaderPid.ToString(CultureInfo.InvariantCulture), "-a", "--", .. command]);

    /// <summary>Starts a command inside the machine with its output redirected.</summary>
    public Process StartInMachine(params string[] command) =>
        Process.Start(InMachine(command)) ?? throw new InvalidOperationException($"nsenter {string.Join(' ', command)} did not start.");

    /// <summary>Runs a command inside the machine to its end and returns its stdout; a failure throws.</summary>
    public Task<string> RunInMachineAsync(params string[] command) => RunAsync(InMachine(command));

    /// <summary>Runs a command (in the machine or on the host) to its end and returns its stdout; a failure throws.</summary>
    public static async Task<string> RunAsync(ProcessStartInfo start)
    {
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? stdout
            : throw new InvalidOperationException($"'{start.FileName} {string.Join(' ', start.ArgumentList)}' exited with {process.ExitCode}: {await stderr}");
    }

    public static ProcessStartInfo Command(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private string State(string key) =>
        _state.TryGetValue(key, out string? value)
            ? value
            : throw new InvalidOperationException($"{Path.Combine(StateDirectory, "state.env")} names no {key}; is the testbed up?");
}
