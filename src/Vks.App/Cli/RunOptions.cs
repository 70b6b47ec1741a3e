using System.Net;

namespace Vks.App.Cli;

/// <summary>What `vks run` was told on its command line, validated.</summary>
/// <param name="NodeName">--node-name; null: the host name, lowercased.</param>
/// <param name="NodeIp">--node-ip; null: the address of the default-route interface.</param>
/// <param name="TlsCertFile">--tls-cert-file (or the seed's --certfile): the kubelet API's certificate; null: one is
/// requested through the CSR API and kept in <paramref name="PkiDirectory"/>.</param>
/// <param name="TlsPrivateKeyFile">--tls-private-key-file (or --keyfile): its key; given together with the certificate.</param>
/// <param name="ClientCaFile">--client-ca-file: the CAs client certificates must chain to; null: the kubeconfig's CA.</param>
/// <param name="PkiDirectory">--pki-dir: where the CSR-issued serving certificate and its key are kept.</param>
internal sealed record RunOptions(
    string Kubeconfig,
    string? NodeName,
    IPAddress? NodeIp,
    bool DisableTaint,
    int MaxPods,
    int KubeletPort,
    string? TlsCertFile,
    string? TlsPrivateKeyFile,
    string? ClientCaFile,
    string PkiDirectory);
