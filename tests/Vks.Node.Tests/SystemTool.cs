// Runs a real system tool (systemd-analyze) and captures its output.
using System.Diagnostics;
using System.Text;

namespace Vks.Node.Tests;

internal sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError);

internal static class SystemTool
{
    public static async Task<ToolResult> RunAsync(string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new ToolResult(process.ExitCode, await output, await error);
    }
}
