using System.CommandLine;
using System.Reflection;
using Vks.App.Daemon;

namespace Vks.App.Cli;

/// <summary>The `vks` command tree. Each subcommand lives in its own file.</summary>
internal static class VksCommandLine
{
    public static string Version { get; } =
        typeof(VksCommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(VksCommandLine).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public static RootCommand Build() => Build(VksDaemon.RunAsync);

    /// <param name="run">What `vks run` does with its options; tests pass a recorder instead of the daemon.</param>
    internal static RootCommand Build(Func<RunOptions, CancellationToken, Task<int>> run)
    {
        var root = new RootCommand("vks: a virtual kubelet that runs Kubernetes pods as systemd units");
        var version = new Command("version", "Print the vks version");
        version.SetAction(parse => parse.InvocationConfiguration.Output.WriteLine($"vks {Version}"));
        root.Subcommands.Add(version);
        root.Subcommands.Add(RunCommand.Create(run));
        root.Subcommands.Add(DebugCommand.Create());
        return root;
    }
}
