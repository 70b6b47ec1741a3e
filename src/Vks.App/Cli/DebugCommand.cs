// `vks debug dump [--json] [--socket PATH]`: prints the running daemon's actor tree.
using System.CommandLine;
using System.Text.Json;
using Vks.Actors.Debug;
using Vks.App.Debug;

namespace Vks.App.Cli;

internal static class DebugCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the dump as JSON" };
        var socket = new Option<string>("--socket")
        {
            Description = "The daemon's debug socket",
            DefaultValueFactory = _ => DebugSocket.DefaultPath,
        };
        var dump = new Command("dump", "Print the live actor tree of the running vks") { json, socket };
        dump.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            string text;
            try
            {
                text = await DebugDumpClient.ReadAsync(parse.GetRequiredValue(socket), cancellationToken).ConfigureAwait(false);
            }
            catch (DebugDumpException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return 1;
            }

            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(text).ConfigureAwait(false);
                return 0;
            }

            var node = Deserialize(text);
            if (node is null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("The daemon sent something that is not a dump.").ConfigureAwait(false);
                return 1;
            }
            await output.WriteAsync(DumpRenderer.Render(node)).ConfigureAwait(false);
            return 0;
        });

        return new Command("debug", "Look inside the running daemon") { dump };
    }

    internal static DumpProtocol.NodeDump? Deserialize(string text)
    {
        try
        {
            return JsonSerializer.Deserialize(text, DumpJson.Default.NodeDump);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
