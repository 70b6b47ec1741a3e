using System.CommandLine;
using System.Reflection;

namespace Vks.App.Cli;

/// <summary>The `vks` command tree. Each subcommand lives in its own file as it arrives.</summary>
internal static class VksCommandLine
{
    public static string Version { get; } =
        typeof(VksCommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(VksCommandLine).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public static RootCommand Build()
    {
        var root = new RootCommand("vks: a virtual kubelet that runs Kubernetes pods as systemd units");
        var version = new Command("version", "Print the vks version");
        version.SetAction(parse => parse.InvocationConfiguration.Output.WriteLine($"vks {Version}"));
        root.Subcommands.Add(version);
        return root;
    }
}
