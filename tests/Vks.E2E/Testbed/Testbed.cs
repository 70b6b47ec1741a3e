namespace Vks.E2E.Testbed;

/// <summary>
/// One testbed, driven through scripts/testbed: a systemd machine plus a Kubernetes control plane.
/// The host reaches into the machine through its PID 1's root (/proc/PID/root), so tests can read
/// and write the machine's files and talk to its system bus without entering it.
/// </summary>
public sealed class Testbed(string name)
{
    public const string StateRoot = "/run/vks-testbed";
    private static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(20);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    public string Name { get; } = name;
    public string StateDir => Path.Combine(StateRoot, Name);
    public string AdminKubeconfig => Path.Combine(StateDir, "admin.kubeconfig");
    public string NodeKubeconfig => Path.Combine(StateDir, "node.kubeconfig");

    /// <summary>The pid (in the host's namespace) of the machine's systemd.</summary>
    public int LeaderPid => int.Parse(ReadState()["LEADER_PID"], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The kubelet API port vks gets in this testbed (testbeds share the host's network); recorded by
    /// scripts/testbed install-vks.</summary>
    public int KubeletPort => int.Parse(ReadState()["KUBELET_PORT"], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A path on the host that leads into the machine's file system.</summary>
    public string MachinePath(string pathInMachine) => $"/proc/{LeaderPid}/root{pathInMachine}";

    /// <summary>The machine's system bus, reachable from the host as root.</summary>
    public string SystemBusAddress => $"unix:path={MachinePath("/run/dbus/system_bus_socket")}";

    public Task<ProcessResult> UpAsync() => ScriptAsync(UpTimeout, "up");

    public Task<ProcessResult> DownAsync() => ScriptAsync(CommandTimeout, "down");

    public Task<ProcessResult> StatusAsync() => ScriptAsync(CommandTimeout, "status");

    /// <summary>Runs a command inside the machine.</summary>
    public Task<ProcessResult> ExecAsync(params string[] command) =>
        ScriptAsync(CommandTimeout, ["exec", "--", .. command]);

    /// <summary>Installs a vks build (a dotnet publish output) into the machine and starts it under systemd.</summary>
    public Task<ProcessResult> InstallVksAsync(string build) => ScriptAsync(CommandTimeout, "install-vks", build);

    /// <summary>Runs kubectl as the cluster admin.</summary>
    public Task<ProcessResult> KubectlAsync(params string[] arguments) =>
        ProcessRunner.RunAsync("kubectl", ["--kubeconfig", AdminKubeconfig, .. arguments], CommandTimeout);

    public IReadOnlyDictionary<string, string> ReadState()
    {
        var state = new Dictionary<string, string>();
        foreach (var line in File.ReadAllLines(Path.Combine(StateDir, "state.env")))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                state[line[..eq]] = line[(eq + 1)..]; // later records win, as in the script
            }
        }
        return state;
    }

    private Task<ProcessResult> ScriptAsync(TimeSpan timeout, params string[] arguments) =>
        ProcessRunner.RunAsync(RepoPaths.TestbedScript, [arguments[0], "--name", Name, .. arguments[1..]], timeout);
}
