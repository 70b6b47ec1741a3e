using System.CommandLine;
using System.Net;
using Vks.App.Cli;

namespace Vks.App.Tests.Cli;

public sealed class RunCommandTests
{
    [Fact]
    public async Task Only_the_kubeconfig_is_required_and_the_rest_has_defaults()
    {
        var (exit, options, _) = await RunAsync("run", "--kubeconfig", "/etc/vks/kubeconfig");

        Assert.Equal(0, exit);
        Assert.Equal(new RunOptions("/etc/vks/kubeconfig", null, null, false, 110, 10250, null, null, null, "/var/lib/vks/pki"), options);
    }

    [Fact]
    public async Task Every_flag_is_read()
    {
        var (exit, options, _) = await RunAsync(
            "run", "--kubeconfig", "k", "--node-name", "node-1.example", "--node-ip", "fd00::5", "--disable-taint",
            "--max-pods", "20", "--kubelet-port", "10255", "--tls-cert-file", "c.pem", "--tls-private-key-file", "k.pem",
            "--client-ca-file", "ca.pem", "--pki-dir", "/srv/pki");

        Assert.Equal(0, exit);
        Assert.Equal(new RunOptions("k", "node-1.example", IPAddress.Parse("fd00::5"), true, 20, 10255, "c.pem", "k.pem", "ca.pem", "/srv/pki"), options);
    }

    [Fact]
    public async Task The_seed_invocation_is_accepted()
    {
        var (exit, options, _) = await RunAsync(
            "run", "--kubeconfig", "k", "--enable-node-lease", "--certfile", "/etc/vks/tls.crt", "--keyfile", "/etc/vks/tls.key");

        Assert.Equal(0, exit);
        Assert.Equal("/etc/vks/tls.crt", options!.TlsCertFile);
        Assert.Equal("/etc/vks/tls.key", options.TlsPrivateKeyFile);
    }

    [Theory]
    [InlineData("--tls-cert-file")]
    [InlineData("--tls-private-key-file")]
    public async Task A_serving_certificate_without_its_key_or_a_key_without_its_certificate_is_refused(string flag)
    {
        var (exit, options, error) = await RunAsync("run", "--kubeconfig", "k", flag, "/etc/vks/tls.pem");

        Assert.NotEqual(0, exit);
        Assert.Null(options);
        Assert.Contains("go together", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_kubeconfig_the_daemon_does_not_start()
    {
        var (exit, options, error) = await RunAsync("run");

        Assert.NotEqual(0, exit);
        Assert.Null(options);
        Assert.Contains("--kubeconfig", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--node-ip", "10.0.0")]
    [InlineData("--node-ip", "10.1")]
    [InlineData("--node-ip", "010.0.0.1")]
    [InlineData("--node-ip", "fe80::1%eth0")]
    [InlineData("--node-ip", "eth0")]
    [InlineData("--node-name", "Node_1")]
    [InlineData("--node-name", "-node")]
    [InlineData("--node-name", "a..b")]
    [InlineData("--node-name", "node\nname")]
    [InlineData("--max-pods", "0")]
    [InlineData("--max-pods", "many")]
    [InlineData("--kubelet-port", "65536")]
    [InlineData("--kubelet-port", "-1")]
    public async Task Bad_values_are_refused_with_the_flag_named(string flag, string value)
    {
        var (exit, options, error) = await RunAsync("run", "--kubeconfig", "k", flag, value);

        Assert.NotEqual(0, exit);
        Assert.Null(options);
        Assert.Contains(flag, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("node-1", true)]
    [InlineData("a.b-c.d", true)]
    [InlineData("", false)]
    [InlineData("UPPER", false)]
    [InlineData("trailing-", false)]
    [InlineData("dot.", false)]
    [InlineData("space name", false)]
    public void Node_names_are_dns_subdomains(string name, bool valid) =>
        Assert.Equal(valid, RunCommand.IsValidNodeName(name));

    [Fact]
    public void Node_names_are_bounded()
    {
        Assert.True(RunCommand.IsValidNodeName(new string('a', 63)));
        Assert.False(RunCommand.IsValidNodeName(new string('a', 64)));
        Assert.True(RunCommand.IsValidNodeName(string.Join('.', Enumerable.Repeat(new string('a', 62), 4)))); // 251
        Assert.False(RunCommand.IsValidNodeName(string.Join('.', Enumerable.Repeat(new string('a', 50), 5)))); // 254
    }

    private static async Task<(int Exit, RunOptions? Options, string Error)> RunAsync(params string[] args)
    {
        RunOptions? seen = null;
        var error = new StringWriter();
        var exit = await VksCommandLine.Build((options, _) =>
            {
                seen = options;
                return Task.FromResult(0);
            })
            .Parse(args)
            .InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });
        return (exit, seen, error.ToString());
    }
}
