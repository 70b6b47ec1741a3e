// vks running under systemd in the shared testbed for the node agent tests, started by the first test that needs it
// and uninstalled after the last (xunit 2 cannot hand a collection fixture to a class fixture's constructor). The
// other e2e classes, which run before or after, see a testbed without a node.
namespace Vks.E2E.NodeAgent;

public sealed class NodeAgentFixture : IAsyncLifetime
{
    private readonly Lock _lock = new();
    private VksNode? _node;
    private Task? _started;

    /// <summary>vks, installed and Ready. A failed start fails every test that asks, each with the same cause.</summary>
    public async Task<VksNode> StartAsync(Testbed.Testbed testbed)
    {
        Task started;
        lock (_lock)
        {
            _node ??= new VksNode(testbed);
            started = _started ??= _node.InstallAndStartAsync();
        }
        await started;
        return _node;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            // Even after a failed start: whatever was installed goes.
            await _node.UninstallAsync();
        }
    }
}
