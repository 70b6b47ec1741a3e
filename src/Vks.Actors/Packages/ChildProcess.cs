// Runs a program with an argument list (never a shell command line, so no argument is ever re-parsed), with
// standard input closed so that nothing can wait for an answer, and captures what it prints.
using System.Diagnostics;
using System.Text;

namespace Vks.Actors.Packages;

internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError);

internal static class ChildProcess
{
    // apt prints megabytes for a big install; vks reads only policy tables and error lines, which come first or
    // are short, so the head is kept and the rest is read and dropped (the child must never block on a full pipe).
    internal const int MaxCapturedChars = 1 << 20;

    /// <summary>Runs <paramref name="fileName"/> to its end. Cancelling kills it and its children.</summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} could not be started.");
        process.StandardInput.Close();
        var standardOutput = CaptureAsync(process.StandardOutput);
        var standardError = CaptureAsync(process.StandardError);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new ProcessResult(process.ExitCode, await standardOutput.ConfigureAwait(false), await standardError.ConfigureAwait(false));
    }

    private static async Task<string> CaptureAsync(StreamReader reader)
    {
        var text = new StringBuilder();
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            var room = MaxCapturedChars - text.Length;
            if (room > 0)
            {
                text.Append(buffer, 0, Math.Min(read, room));
            }
        }

        return text.ToString();
    }
}
