// The debug socket's place and wire format. A client connects; the daemon writes the NodeDump as one UTF-8 JSON
// document and closes. Nothing is read from the client, so there is nothing to parse on the daemon's side.
using System.Text.Json;
using System.Text.Json.Serialization;
using Vks.Actors.Debug;

namespace Vks.App.Debug;

internal static class DebugSocket
{
    public const string DefaultPath = "/run/vks/debug.sock";

    /// <summary>A dump bigger than this is not a dump; the client stops reading rather than fill its memory.</summary>
    public const int MaxDumpBytes = 64 * 1024 * 1024;
}

// Source-generated, so the dump is written and read without reflection (vks is compiled Native AOT). A document
// missing a field, or with null where the dump has none, is not a dump: it is refused while reading rather than
// failing later on a null list.
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    WriteIndented = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(DumpProtocol.NodeDump))]
internal sealed partial class DumpJson : JsonSerializerContext;
