// A testbed's systemd machine and control plane as the benchmark reaches them from the host: the machine's file
// system and system bus through its PID 1 (/proc/LEADER_PID/root), and the admin kubeconfig. Commands inside the
// machine run through nsenter, outside every measured window, because starting a process costs milliseconds.
using System.Diagnostics;
using System.Globalization;

namespace Vks.Bench.NodeAgent;

internal sealed class TestbedMachine
{
    private TestbedMachine(string name, int leaderPid)
    {
        Name = name;
        LeaderPid = leaderPid;
    }

    /// <summary>The testbed's name, which is also vks's node name.</summary>
    public string Name { get; }

    public int LeaderPid { get; }

    public string BusAddress => $"unix:path={MachinePath("/run/dbus/system_bus_socket")}";

    public string AdminKubeconfig => Path.Combine("/run/vks-testbed", Name, "admin.kubeconfig");

    public static TestbedMachine Open(string name)
    {
        string state = Path.Combine("/run/vks-testbed", name, "state.env");
        string leader = File.ReadLines(state).Where(line => line.StartsWith("LEADER_PID=", StringComparison.Ordinal)).Select(line => line["LEADER_PID=".Length..]).LastOrDefault()
            ?? throw new InvalidOperationException($"{state} names no LEADER_PID; is the testbed up?");
        return new TestbedMachine(name, int.Parse(leader, CultureInfo.InvariantCulture));
    }

    /// <summary>A path inside the machine, seen from the host.</summary>
    public string MachinePath(string path) => $"/proc/{LeaderPid}/root{path}";

    /// <summary>Starts a command inside the machine (all its namespaces) with stdout redirected.</summary>
    public Process Start(params string[] command)
    {
        var start = new ProcessStartInfo("nsenter") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])["-t", LeaderPid.ToString(CultureInfo.InvariantCulture), "-a", "--", .. command])
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"nsenter {string.Join(' ', command)} did not start.");
    }

    /// <summary>Runs a command inside the machine to its end and returns its stdout; a failure throws.</summary>
    public async Task<string> RunAsync(params string[] command)
    {
        using Process process = Start(command);
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? stdout
            : throw new InvalidOperationException($"'{string.Join(' ', command)}' in {Name} exited with {process.ExitCode}: {await stderr}");
    }
}
