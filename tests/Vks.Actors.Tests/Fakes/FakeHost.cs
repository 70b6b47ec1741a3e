using Vks.Actors.Ports;
using Vks.Node.Nodes;

namespace Vks.Actors.Tests.Fakes;

internal sealed class FakeHost : IHostFactsSource
{
    public static readonly HostFacts Facts = new(
        "node-1", "10.0.0.5", 2, 4L << 30, 20L << 30, "0123456789abcdef0123456789abcdef", "boot-id", "6.1.0", "Debian GNU/Linux 12 (bookworm)", "amd64");

    public HostUsage Usage { get; set; } = new(2L << 30, 10L << 30, 20L << 30, 1_000_000, 2_000_000, 300, 4_194_304);

    public HostFacts ReadFacts() => Facts;

    public HostUsage ReadUsage() => Usage;
}
