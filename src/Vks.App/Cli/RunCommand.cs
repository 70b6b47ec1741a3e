// `vks run`: the daemon. Parsing and validation live here; what runs is VksDaemon. The seed's invocation
// (--enable-node-lease, --certfile, --keyfile) is accepted as is, so existing unit files keep working: --certfile and
// --keyfile are the kubelet's --tls-cert-file and --tls-private-key-file.
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Vks.Node.KubeletApi.Certificates;
using Vks.Node.Nodes;

namespace Vks.App.Cli;

internal static class RunCommand
{
    public static Command Create(Func<RunOptions, CancellationToken, Task<int>> run)
    {
        var kubeconfig = new Option<string>("--kubeconfig")
        {
            Description = "The kubeconfig vks talks to the API server with (the node's identity)",
            Required = true,
        };
        var nodeName = new Option<string?>("--node-name") { Description = "The Node object's name [default: the host name]" };
        nodeName.Validators.Add(ValidateNodeName);
        var nodeIp = new Option<string?>("--node-ip") { Description = "The node's InternalIP [default: the address of the default-route interface]" };
        nodeIp.Validators.Add(result => Validate(result, IsValidNodeIp, "an IPv4 address in dotted-quad form or an IPv6 address"));
        var disableTaint = new Option<bool>("--disable-taint") { Description = "Register without the taint virtual-kubelet.io/provider=vks:NoSchedule" };
        var maxPods = new Option<int>("--max-pods")
        {
            Description = "The node's pod capacity",
            DefaultValueFactory = _ => NodeSettings.DefaultMaxPods,
        };
        maxPods.Validators.Add(result => ValidateRange(result, 1, 100_000));
        var kubeletPort = new Option<int>("--kubelet-port")
        {
            Description = "The kubelet API port, published in the Node's daemonEndpoints",
            DefaultValueFactory = _ => NodeSettings.DefaultKubeletPort,
        };
        kubeletPort.Validators.Add(result => ValidateRange(result, 1, 65_535));
        var enableNodeLease = new Option<bool>("--enable-node-lease") { Description = "Accepted for compatibility: the node lease is always on" };
        var certFile = new Option<string?>("--tls-cert-file", "--certfile")
        {
            Description = "The kubelet API's TLS certificate (PEM) [default: one requested through the CSR API]",
        };
        var keyFile = new Option<string?>("--tls-private-key-file", "--keyfile") { Description = "The kubelet API's TLS private key (PEM)" };
        var clientCaFile = new Option<string?>("--client-ca-file")
        {
            Description = "CA bundle (PEM) that client certificates to the kubelet API must chain to [default: the kubeconfig's CA]",
        };
        var pkiDir = new Option<string>("--pki-dir")
        {
            Description = "Where the CSR-issued serving certificate is kept",
            DefaultValueFactory = _ => ServingCertificateStore.DefaultDirectory,
        };

        var command = new Command("run", "Run the node agent: register the node and run its pods as systemd units")
        {
            kubeconfig, nodeName, nodeIp, disableTaint, maxPods, kubeletPort, enableNodeLease, certFile, keyFile, clientCaFile, pkiDir,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(certFile) is null) != (result.GetValue(keyFile) is null))
            {
                result.AddError("--tls-cert-file and --tls-private-key-file go together.");
            }
        });
        command.SetAction((parse, cancellationToken) =>
        {
            var ip = parse.GetValue(nodeIp);
            var options = new RunOptions(
                parse.GetRequiredValue(kubeconfig),
                parse.GetValue(nodeName),
                ip is null ? null : IPAddress.Parse(ip),
                parse.GetValue(disableTaint),
                parse.GetValue(maxPods),
                parse.GetValue(kubeletPort),
                parse.GetValue(certFile),
                parse.GetValue(keyFile),
                parse.GetValue(clientCaFile),
                parse.GetRequiredValue(pkiDir));
            return run(options, cancellationToken);
        });
        return command;
    }

    /// <summary>A Node name is a DNS subdomain (RFC 1123): lowercase alphanumerics, '-' and '.', at most 253
    /// characters, each label starting and ending with an alphanumeric.</summary>
    internal static bool IsValidNodeName(string name) =>
        name.Length is > 0 and <= 253
        && name.Split('.').All(label =>
            label.Length is > 0 and <= 63
            && label.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
            && label[0] != '-' && label[^1] != '-');

    /// <summary>An address as the Node object publishes it. IPAddress.Parse also takes inet_aton's shorthands
    /// ("10.1" is 10.0.0.1) and IPv6 scope ids, neither of which means one thing on every host: refused.</summary>
    internal static bool IsValidNodeIp(string value) =>
        IPAddress.TryParse(value, out var address)
        && (address.AddressFamily == AddressFamily.InterNetworkV6
            ? !value.Contains('%', StringComparison.Ordinal)
            : address.ToString() == value);

    private static void ValidateNodeName(OptionResult result) =>
        Validate(result, IsValidNodeName, "a lowercase DNS subdomain (RFC 1123), such as node-1.example");

    private static void Validate(OptionResult result, Func<string, bool> isValid, string expected)
    {
        foreach (var token in result.Tokens)
        {
            if (!isValid(token.Value))
            {
                result.AddError($"{result.Option.Name}: '{token.Value}' is not {expected}.");
            }
        }
    }

    private static void ValidateRange(OptionResult result, int min, int max) =>
        // A token that is not a number at all is reported by the parser itself.
        Validate(
            result,
            token => !int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || (value >= min && value <= max),
            $"between {min} and {max}");
}
