using Vks.Actors.Ports;
using Vks.Node.Nodes;

namespace Vks.App.Wiring;

/// <summary>IHostFactsSource over the real host's files (/proc, /etc/os-release, statfs of /var).</summary>
internal sealed class HostFactsSource(HostFactsReader reader) : IHostFactsSource
{
    public HostFacts ReadFacts() => reader.ReadFacts();

    public HostUsage ReadUsage() => reader.ReadUsage();
}
