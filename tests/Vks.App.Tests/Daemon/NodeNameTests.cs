using Vks.App.Daemon;

namespace Vks.App.Tests.Daemon;

public sealed class NodeNameTests
{
    [Theory]
    [InlineData("Worker-1", "worker-1")]
    [InlineData("host.Example.org\n", "host.example.org")]
    public void The_host_name_is_lowercased(string hostname, string nodeName) =>
        Assert.Equal(nodeName, VksDaemon.NodeNameOf(hostname));

    [Theory]
    [InlineData("under_score")]
    [InlineData("")]
    public void A_host_name_that_cannot_be_a_node_name_asks_for_the_flag(string hostname)
    {
        var error = Assert.Throws<ArgumentException>(() => VksDaemon.NodeNameOf(hostname));

        Assert.Contains("--node-name", error.Message, StringComparison.Ordinal);
    }
}
