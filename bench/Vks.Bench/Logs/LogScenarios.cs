// The ways of reading the same container log that the benchmark compares, from what a user runs (kubectl logs) down
// to its parts: the API server's log endpoint and the kubelet API called directly over warm HTTPS connections, the
// journalctl query vks runs, journalctl -u as an operator runs it (inside the machine and straight from the host), and
// vks's journal reader (journalctl's JSON output, parsed) in this process.
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Vks.Systemd.Journal;
using Vks.Bench.Testbed;

namespace Vks.Bench.Logs;

/// <summary>One way of reading the log: returns the times, sizes and line count; CPU is filled in by the caller.</summary>
internal sealed record LogScenario(string Name, Func<Task<StreamRead>> ReadAsync);

internal static class LogScenarios
{
    private const string Kubectl = "kubectl";

    /// <param name="apiServer">Keeps its connection (as the admin user).</param>
    /// <param name="kubelet">Keeps its connection (with the API server's kubelet client certificate).</param>
    /// <param name="kubeletNewConnection">Makes a new connection for each request, as the API server does for a log.</param>
    public static IReadOnlyList<LogScenario> All(BenchTestbed testbed, LogPod pod, HttpClient apiServer, HttpClient kubelet, HttpClient kubeletNewConnection)
    {
        string hostJournal = HostJournalDirectory(testbed);
        string[] kubectlLogs = ["--kubeconfig", testbed.AdminKubeconfig, "--namespace", pod.Namespace, "logs", LogPod.PodName, "--container", LogPod.ContainerName];
        var kubeletLogs = new Uri($"https://127.0.0.1:10250/containerLogs/{pod.Namespace}/{LogPod.PodName}/{LogPod.ContainerName}");
        string[] cat = ["--unit", pod.Unit, "--output=cat", "--no-pager", "--quiet"];
        return
        [
            new("kubectl logs", () => ProcessAsync(BenchTestbed.Command(Kubectl, kubectlLogs))),
            new("kubectl logs --tail=100", () => ProcessAsync(BenchTestbed.Command(Kubectl, [.. kubectlLogs, "--tail=100"]))),
            new("kubectl logs --timestamps", () => ProcessAsync(BenchTestbed.Command(Kubectl, [.. kubectlLogs, "--timestamps"]))),
            new(
                "API server GET pods/log (HTTP/2, warm connection)",
                () => HttpAsync(apiServer, new Uri(testbed.ApiServer, $"/api/v1/namespaces/{pod.Namespace}/pods/{LogPod.PodName}/log?container={LogPod.ContainerName}"), HttpVersion.Version20)),
            new("kubelet API GET /containerLogs directly (HTTP/1.1, warm connection)", () => HttpAsync(kubelet, kubeletLogs, HttpVersion.Version11)),
            new("kubelet API GET /containerLogs directly (HTTP/1.1, new connection)", () => HttpAsync(kubeletNewConnection, kubeletLogs, HttpVersion.Version11)),
            new("kubelet API GET /containerLogs?tailLines=100 directly (HTTP/1.1, warm connection)", () => HttpAsync(kubelet, new Uri(kubeletLogs + "?tailLines=100"), HttpVersion.Version11)),
            new("journalctl --output=json, vks's query, in the machine", () => ProcessAsync(testbed.InMachine(["journalctl", .. VksJsonArguments(pod, directory: null)]))),
            new("journalctl --output=json, vks's query, on the host (-D)", () => ProcessAsync(BenchTestbed.Command("journalctl", VksJsonArguments(pod, hostJournal)))),
            new("journalctl -u UNIT -o cat, in the machine", () => ProcessAsync(testbed.InMachine(["journalctl", .. cat]))),
            new("journalctl -u UNIT -o cat, on the host (-D)", () => ProcessAsync(BenchTestbed.Command("journalctl", [.. cat, "--directory=" + hostJournal]))),
            new("vks JournalReader in this process, on the host (-D)", () => JournalReaderAsync(new JournalReader(hostJournal), pod)),
        ];
    }

    /// <summary>Counts the pod's lines in the journal (host side), to wait until journald has stored them all.</summary>
    public static async Task<long> CountLinesAsync(BenchTestbed testbed, LogPod pod) =>
        (await ProcessAsync(BenchTestbed.Command("journalctl", ["--directory=" + HostJournalDirectory(testbed), "--output=cat", "--no-pager", "--quiet", "--", .. PodMatches(pod)]))).Lines;

    /// <summary>The pod's lines in the journal that are not "line 1", "line 2", ... in order: what journald did to the
    /// container's output (dropped, added or reordered lines), shown next to the results.</summary>
    public static async Task<IReadOnlyList<string>> UnexpectedLinesAsync(BenchTestbed testbed, LogPod pod)
    {
        string log = await BenchTestbed.RunAsync(BenchTestbed.Command("journalctl", ["--directory=" + HostJournalDirectory(testbed), "--output=cat", "--no-pager", "--quiet", "--", .. PodMatches(pod)]));
        string[] lines = log.TrimEnd('\n').Split('\n');
        return [.. lines.Select((line, index) => (line, index)).Where(l => l.line != $"line {l.index + 1}").Select(l => $"#{l.index + 1}: {l.line}")];
    }

    /// <summary>An HTTPS client with a client certificate from the testbed's pki/ that trusts only the cluster CA.</summary>
    public static HttpClient Https(BenchTestbed testbed, string certificateName, bool reuseConnections)
    {
        X509Certificate2 clientCertificate = X509Certificate2.CreateFromPemFile(testbed.Pki(certificateName + ".crt"), testbed.Pki(certificateName + ".key"));
        X509Certificate2 clusterCa = X509CertificateLoader.LoadCertificateFromFile(testbed.Pki("ca.crt"));
        var chainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        chainPolicy.CustomTrustStore.Add(clusterCa);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { ClientCertificates = [clientCertificate], CertificateChainPolicy = chainPolicy },
            // Zero: a connection serves one request and is closed.
            PooledConnectionLifetime = reuseConnections ? Timeout.InfiniteTimeSpan : TimeSpan.Zero,
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(5) };
    }

    // The directory holding the machine's persistent journal, /var/log/journal/MACHINE-ID, read from the host.
    private static string HostJournalDirectory(BenchTestbed testbed) => testbed.MachinePath("/var/log/journal");

    private static string[] PodMatches(LogPod pod) => [$"_SYSTEMD_UNIT={pod.Unit}", $"VKS_POD_UID={pod.Uid}", $"_SYSTEMD_INVOCATION_ID={pod.InvocationId}"];

    // What JournalReader.BuildArguments makes of vks's query for the current run, written out (docs/logs.md).
    private static string[] VksJsonArguments(LogPod pod, string? directory) =>
    [
        "--output=json", "--all", "--output-fields=MESSAGE,PRIORITY,_SYSTEMD_INVOCATION_ID", "--no-pager", "--quiet",
        .. directory is null ? Array.Empty<string>() : ["--directory=" + directory],
        "--", .. PodMatches(pod),
    ];

    private static async Task<StreamRead> ProcessAsync(ProcessStartInfo start)
    {
        long started = Stopwatch.GetTimestamp();
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        var read = await StreamRead.DrainAsync(started, process.StandardOutput.BaseStream);
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? read
            : throw new InvalidOperationException($"'{start.FileName} {string.Join(' ', start.ArgumentList)}' exited with {process.ExitCode}: {await stderr}");
    }

    private static async Task<StreamRead> HttpAsync(HttpClient client, Uri uri, Version version)
    {
        long started = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Get, uri) { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using Stream body = await response.Content.ReadAsStreamAsync();
        return await StreamRead.DrainAsync(started, body);
    }

    // vks's read path without HTTP: journalctl's JSON parsed into JournalEntry, each message and "\n" counted as
    // ContainerLogWriter would write them.
    private static async Task<StreamRead> JournalReaderAsync(JournalReader reader, LogPod pod)
    {
        var query = new JournalQuery([JournalMatch.Unit(pod.Unit), new JournalMatch("VKS_POD_UID", pod.Uid), JournalMatch.Invocation(pod.InvocationId)]);
        long started = Stopwatch.GetTimestamp();
        long firstEntry = 0;
        long bytes = 0;
        long lines = 0;
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        await foreach (JournalEntry entry in reader.ReadAsync(query))
        {
            if (lines == 0)
            {
                firstEntry = Stopwatch.GetTimestamp();
            }

            bytes += entry.Message.Length + 1;
            lines++;
        }

        long end = Stopwatch.GetTimestamp();
        Console.WriteLine($"  (JournalReader allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1e6:F0} MB for {lines} entries)");
        return new StreamRead(Stopwatch.GetElapsedTime(started, lines == 0 ? end : firstEntry), Stopwatch.GetElapsedTime(started, end), bytes, lines, Chunks: lines); // one entry per step
    }
}
