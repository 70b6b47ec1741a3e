// The debug socket end to end: a real actor answers DumpState, the real server serves it on a Unix socket in a
// temporary directory, and the real client (and the `vks debug dump` command) reads it back.
using System.CommandLine;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Vks.Actors;
using Vks.Actors.Debug;
using Vks.App.Cli;
using Vks.App.Debug;

namespace Vks.App.Tests.Debug;

public sealed class DebugSocketTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vks-debug-" + Guid.NewGuid().ToString("N"));
    private readonly ActorSystem _system = ActorSystem.Create("debug-socket-tests");
    private DebugSocketServer? _server;

    private string SocketPath => Path.Combine(_directory, "run", "debug.sock");

    public async Task InitializeAsync()
    {
        var supervisor = _system.ActorOf(Props.Create(() => new AnsweringSupervisor(SampleDumps.Node())));
        _server = new DebugSocketServer(new FixedActor(supervisor), SocketPath, NullLogger<DebugSocketServer>.Instance);
        await _server.StartAsync(CancellationToken.None);
        while (!File.Exists(SocketPath))
        {
            await Task.Delay(10); // the server binds on the thread pool; wait for the file, not for a time
        }
    }

    public async Task DisposeAsync()
    {
        await _server!.StopAsync(CancellationToken.None);
        _server.Dispose();
        await _system.Terminate();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Only_root_can_reach_the_socket()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SocketPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(SocketPath)!));
    }

    [Fact]
    public async Task The_client_reads_the_dump_the_supervisor_gave()
    {
        var json = await DebugDumpClient.ReadAsync(SocketPath, CancellationToken.None);

        var dump = DebugCommand.Deserialize(json);
        Assert.NotNull(dump);
        Assert.Equal(DumpRenderer.Render(SampleDumps.Node()), DumpRenderer.Render(dump));
    }

    [Fact]
    public async Task Each_client_gets_its_own_dump()
    {
        var first = await DebugDumpClient.ReadAsync(SocketPath, CancellationToken.None);
        var second = await DebugDumpClient.ReadAsync(SocketPath, CancellationToken.None);

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task The_command_prints_the_tree()
    {
        var output = new StringWriter();

        var exit = await VksCommandLine.Build().Parse(["debug", "dump", "--socket", SocketPath])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = new StringWriter() });

        Assert.Equal(0, exit);
        Assert.Equal(DumpRenderer.Render(SampleDumps.Node()), output.ToString());
    }

    [Fact]
    public async Task The_command_prints_json_on_request()
    {
        var output = new StringWriter();

        var exit = await VksCommandLine.Build().Parse(["debug", "dump", "--json", "--socket", SocketPath])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = new StringWriter() });

        Assert.Equal(0, exit);
        Assert.Contains("\"nodeName\": \"worker-1\"", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"unitName\": \"vks.default.web.web.service\"", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_daemon_the_command_says_so()
    {
        var error = new StringWriter();

        var exit = await VksCommandLine.Build().Parse(["debug", "dump", "--socket", Path.Combine(_directory, "absent.sock")])
            .InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });

        Assert.Equal(1, exit);
        Assert.Contains("vks is not running", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_socket_left_by_an_earlier_run_is_replaced()
    {
        var path = Path.Combine(_directory, "stale", "debug.sock");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "stale");

        using var socket = DebugSocketServer.Listen(path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{not json")]
    [InlineData("[1,2,3]")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("{\"nodeName\":\"n\",\"state\":\"Ready\",\"nodeUid\":null,\"leaseRenewedAt\":null,\"leaseAge\":null,\"statusPatchedAt\":null,\"watchResourceVersion\":null,\"watchTrouble\":null,\"pods\":null,\"packages\":null,\"unanswered\":[]}")]
    public void Garbage_is_not_a_dump(string text) => Assert.Null(DebugCommand.Deserialize(text));

    private sealed class AnsweringSupervisor : ReceiveActor
    {
        public AnsweringSupervisor(DumpProtocol.NodeDump dump) =>
            Receive<DumpProtocol.DumpState>(_ => Sender.Tell(dump));
    }

    private sealed class FixedActor(IActorRef actor) : IRequiredActor<NodeSupervisorMarker>
    {
        public IActorRef ActorRef => actor;

        public Task<IActorRef> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(actor);
    }
}
