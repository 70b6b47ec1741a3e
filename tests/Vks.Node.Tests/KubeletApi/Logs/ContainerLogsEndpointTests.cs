// GET /containerLogs hosted on loopback HTTP (Kestrel, port 0) without the kubelet API's security middleware. The pod
// directory and systemd are fakes; the journal side is the real JournalReader running a stand-in journalctl, which
// records its arguments (so the test sees the matches vks asks for) and prints journalctl JSON output. A real
// journald cannot stand in here: only systemd can give entries a _SYSTEMD_UNIT. The e2e tests cover that.
using System.Net;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Vks.Node.KubeletApi;
using Vks.Node.KubeletApi.Logs;
using Vks.Systemd.Journal;
using Vks.Systemd.Manager;

namespace Vks.Node.Tests.KubeletApi.Logs;

[SupportedOSPlatform("linux")]
public sealed class ContainerLogsEndpointTests : IAsyncLifetime
{
    private const string Uid = "3c0ffee0-0000-4000-8000-000000000001";
    private const string Current = "cccccccccccccccccccccccccccccccc";
    private const string Older = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    // A ceiling for slow machines, not a measurement.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("vks-logs-");
    private readonly FakeSystemd _systemd = new(ContainerRunChoiceTests.Unit(Current));
    private readonly List<V1Pod> _pods = [Pod(restarted: false)];
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<IKubeletPodDirectory>(new PodDirectory(_pods));
        builder.Services.AddSingleton<ISystemdManager>(_systemd);
        builder.Services.AddSingleton(new JournalReader(journalctl: FakeJournalctl()));
        _app = builder.Build();
        _app.MapContainerLogs();
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()), Timeout = Deadline };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task The_current_runs_lines_of_this_pod_are_served_as_text()
    {
        Output("entries", Line("one", 1), Line("two", 2));

        using var response = await GetAsync("/containerLogs/default/web/app");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("one\ntwo\n", await response.Content.ReadAsStringAsync());
        Assert.Equal(
            ["--", "_SYSTEMD_UNIT=vks.default.web.app.service", "VKS_POD_UID=" + Uid, "_SYSTEMD_INVOCATION_ID=" + Current],
            Assert.Single(Calls()).SkipWhile(a => a != "--"));
    }

    [Fact]
    public async Task Tail_since_timestamps_and_limit_bytes_shape_the_output()
    {
        Output("entries", Line("one", 1_000_000), Line("two", 2_500_000));

        using var response = await GetAsync("/containerLogs/default/web/app?tailLines=2&sinceTime=2020-01-01T00:00:00Z&timestamps=true&limitBytes=50");

        Assert.Equal("1970-01-01T00:00:01Z one\n1970-01-01T00:00:02.5Z two\n"[..50], await response.Content.ReadAsStringAsync());
        var call = Assert.Single(Calls());
        Assert.Contains("--lines=2", call);
        Assert.Contains("--since=@1577836800.000000", call);
    }

    [Fact]
    public async Task Init_containers_are_found_too()
    {
        Output("entries", Line("init says hi", 1));

        using var response = await GetAsync("/containerLogs/default/web/init");

        Assert.Equal("init says hi\n", await response.Content.ReadAsStringAsync());
        Assert.Contains("_SYSTEMD_UNIT=vks.default.web.init.service", Assert.Single(Calls()));
    }

    [Theory]
    [InlineData("/containerLogs/default/nope/app", "pod \"nope\" does not exist")]
    [InlineData("/containerLogs/other/web/app", "pod \"web\" does not exist")]
    [InlineData("/containerLogs/default/web/nope", "container \"nope\" not found in pod \"web\"")]
    public async Task Unknown_pods_and_containers_are_404_with_the_kubelets_wording(string path, string message)
    {
        using var response = await GetAsync(path);

        await AssertStatusAsync(response, HttpStatusCode.NotFound, "NotFound", message);
        Assert.Empty(Calls());
    }

    [Theory]
    [InlineData("?tailLines=-1")]
    [InlineData("?sinceSeconds=abc")]
    [InlineData("?sinceSeconds=5&sinceTime=2020-01-01T00:00:00Z")]
    [InlineData("?limitBytes=0")]
    public async Task Bad_parameters_are_400(string query)
    {
        using var response = await GetAsync("/containerLogs/default/web/app" + query);

        await AssertStatusAsync(response, HttpStatusCode.BadRequest, "BadRequest", null);
        Assert.Empty(Calls());
    }

    [Fact]
    public async Task Previous_reads_the_run_before_the_current_one()
    {
        _pods[0] = Pod(restarted: true);
        Output("runs", Run(Current), Run(Older));
        Output("entries", Line("from before the crash", 1));

        using var response = await GetAsync("/containerLogs/default/web/app?previous=true");

        Assert.Equal("from before the crash\n", await response.Content.ReadAsStringAsync());
        var calls = Calls();
        Assert.Equal(2, calls.Count);
        Assert.Contains("--reverse", calls[0]);
        Assert.Contains("VKS_POD_UID=" + Uid, calls[0]);
        Assert.Contains("_SYSTEMD_INVOCATION_ID=" + Older, calls[1]);
    }

    [Fact]
    public async Task Previous_without_a_terminated_run_is_400_with_the_kubelets_wording()
    {
        using var response = await GetAsync("/containerLogs/default/web/app?previous=true");

        await AssertStatusAsync(response, HttpStatusCode.BadRequest, "BadRequest", "previous terminated container \"app\" in pod \"web\" not found");
    }

    [Fact]
    public async Task Follow_streams_lines_as_they_come_and_ends_with_the_run()
    {
        Output("follow", Line("one", 1), Line("two", 2, cursor: "cursor-two"));
        Output("drain", Line("logged while stopping", 3));
        using var deadline = new CancellationTokenSource(Deadline);

        using var response = await _client.GetAsync(new Uri("/containerLogs/default/web/app?follow=true", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        using var body = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));

        // Both lines arrive while journalctl --follow is still running.
        Assert.Equal("one", await body.ReadLineAsync(deadline.Token));
        Assert.Equal("two", await body.ReadLineAsync(deadline.Token));
        Assert.Equal(1, _systemd.Watchers);

        _systemd.Change(ContainerRunChoiceTests.Unit(Current, UnitActiveState.Failed, "failed"));

        Assert.Equal("logged while stopping\n", await body.ReadToEndAsync(deadline.Token));
        var calls = Calls();
        Assert.Equal(2, calls.Count);
        Assert.Contains("--follow", calls[0]);
        Assert.Contains("--after-cursor=cursor-two", calls[1]);
        Assert.DoesNotContain("--follow", calls[1]);
        Assert.Equal(0, _systemd.Watchers);
    }

    [Fact]
    public async Task A_client_that_goes_away_stops_journalctl()
    {
        Output("follow", Line("one", 1));
        using var deadline = new CancellationTokenSource(Deadline);
        var response = await _client.GetAsync(new Uri("/containerLogs/default/web/app?follow=true", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        var body = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
        Assert.Equal("one", await body.ReadLineAsync(deadline.Token));
        var journalctl = int.Parse(await File.ReadAllTextAsync(Path.Combine(_directory.FullName, "follow.pid"), deadline.Token), System.Globalization.CultureInfo.InvariantCulture);

        body.Dispose();
        response.Dispose();

        // Killed and reaped: the pid is gone, not a zombie.
        while (System.IO.Directory.Exists($"/proc/{journalctl}"))
        {
            await Task.Delay(20, deadline.Token);
        }

        while (_systemd.Watchers != 0)
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    [Fact]
    public async Task Follow_of_a_run_that_has_already_ended_reads_it_once()
    {
        _systemd.Change(ContainerRunChoiceTests.Unit(Current, UnitActiveState.Activating, "auto-restart"));
        Output("entries", Line("crashed", 1));

        using var response = await GetAsync("/containerLogs/default/web/app?follow=true");

        Assert.Equal("crashed\n", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain("--follow", Assert.Single(Calls()));
    }

    private static V1Pod Pod(bool restarted) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = "default", Name = "web", Uid = Uid },
        Spec = new V1PodSpec
        {
            InitContainers = [new V1Container { Name = "init", Image = "/usr/bin/env" }],
            Containers = [new V1Container { Name = "app", Image = "/usr/bin/env" }],
        },
        Status = new V1PodStatus
        {
            ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = "app",
                    State = new V1ContainerState { Running = new V1ContainerStateRunning() },
                    LastState = restarted ? new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 1 } } : new V1ContainerState(),
                    RestartCount = restarted ? 1 : 0,
                },
            ],
        },
    };

    private Task<HttpResponseMessage> GetAsync(string path) => _client.GetAsync(new Uri(path, UriKind.Relative));

    private static async Task AssertStatusAsync(HttpResponseMessage response, HttpStatusCode code, string reason, string? message)
    {
        Assert.Equal(code, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Status", status.RootElement.GetProperty("kind").GetString());
        Assert.Equal("Failure", status.RootElement.GetProperty("status").GetString());
        Assert.Equal(reason, status.RootElement.GetProperty("reason").GetString());
        Assert.Equal((int)code, status.RootElement.GetProperty("code").GetInt32());
        if (message is not null)
        {
            Assert.Equal(message, status.RootElement.GetProperty("message").GetString());
        }
    }

    private static string Line(string message, long microseconds, string? cursor = null) =>
        JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["__CURSOR"] = cursor ?? "cursor-" + microseconds,
            ["__REALTIME_TIMESTAMP"] = microseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["_SYSTEMD_INVOCATION_ID"] = Current,
            ["MESSAGE"] = message,
        });

    private static string Run(string invocation) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["__CURSOR"] = "c", ["__REALTIME_TIMESTAMP"] = "1", ["_PID"] = "40", ["_SYSTEMD_INVOCATION_ID"] = invocation });

    private void Output(string kind, params string[] lines) =>
        File.WriteAllText(Path.Combine(_directory.FullName, kind + ".jsonl"), string.Concat(lines.Select(l => l + "\n")), new UTF8Encoding(false));

    // Each journalctl call's arguments, in call order.
    private List<string[]> Calls()
    {
        var log = Path.Combine(_directory.FullName, "calls");
        return File.Exists(log)
            ? [.. File.ReadAllText(log).Split("\u001e\n", StringSplitOptions.RemoveEmptyEntries).Select(c => c.Split('\u001f', StringSplitOptions.RemoveEmptyEntries))]
            : [];
    }

    // Prints runs.jsonl for the run lookup, drain.jsonl for a read after a cursor, follow.jsonl for a follow (and then
    // waits like journalctl --follow), entries.jsonl otherwise.
    private string FakeJournalctl()
    {
        var script = Path.Combine(_directory.FullName, "fake-journalctl");
        var directory = _directory.FullName;
        File.WriteAllText(script, $$"""
            #!/bin/sh
            for argument in "$@"; do printf '%s\037' "$argument"; done >> '{{directory}}/calls'
            printf '\036\n' >> '{{directory}}/calls'
            kind=entries
            for argument in "$@"; do
              case "$argument" in
                --reverse) kind=runs ;;
                --after-cursor=*) kind=drain ;;
                --follow) kind=follow ;;
              esac
            done
            if [ -f '{{directory}}/'$kind.jsonl ]; then cat '{{directory}}/'$kind.jsonl; fi
            if [ $kind = follow ]; then echo $$ > '{{directory}}/follow.pid'; exec sleep 1000; fi
            exit 0

            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    private sealed class PodDirectory(List<V1Pod> pods) : IKubeletPodDirectory
    {
        public Task<IReadOnlyList<V1Pod>> ListPodsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<V1Pod>>([.. pods]);
    }
}
