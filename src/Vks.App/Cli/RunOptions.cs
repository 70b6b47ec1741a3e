using System.Net;

namespace Vks.App.Cli;

/// <summary>What `vks run` was told on its command line, validated.</summary>
/// <param name="NodeName">--node-name; null: the host name, lowercased.</param>
/// <param name="NodeIp">--node-ip; null: the address of the default-route interface.</param>
/// <param name="CertFile">--certfile: accepted now; it will serve the kubelet API.</param>
/// <param name="KeyFile">--keyfile: likewise.</param>
internal sealed record RunOptions(
    string Kubeconfig,
    string? NodeName,
    IPAddress? NodeIp,
    bool DisableTaint,
    int MaxPods,
    int KubeletPort,
    string? CertFile,
    string? KeyFile);
