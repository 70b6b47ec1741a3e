using Vks.App.Daemon;

namespace Vks.App.Tests.Daemon;

public sealed class ApiServerAddressTests
{
    [Theory]
    [InlineData("https://10.0.0.1:6443", "10.0.0.1", 6443)]
    [InlineData("https://api.example.com", "api.example.com", 443)]
    [InlineData("http://localhost:8080/", "localhost", 8080)]
    [InlineData("https://[fd00::1]:6443", "fd00::1", 6443)]
    public void The_server_url_gives_host_and_port(string server, string host, int port) =>
        Assert.Equal(new ApiServerAddress(host, port), ApiServerAddress.Parse(server));

    [Theory]
    [InlineData("")]
    [InlineData("10.0.0.1:6443")]
    [InlineData("file:///etc/passwd")]
    [InlineData("unix:///run/k8s.sock")]
    public void Anything_but_an_http_url_is_refused(string server) =>
        Assert.Throws<FormatException>(() => ApiServerAddress.Parse(server));
}
