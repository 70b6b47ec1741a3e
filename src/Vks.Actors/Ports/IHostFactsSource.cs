using Vks.Node.Nodes;

namespace Vks.Actors.Ports;

/// <summary>What the Node object says about the host (<see cref="HostFactsReader"/> in production). Both calls do
/// blocking file I/O; the actors call them on the thread pool.</summary>
public interface IHostFactsSource
{
    HostFacts ReadFacts();

    HostUsage ReadUsage();
}
