using System.Net;
using Vks.Node.KubeletApi.Certificates;
using Vks.Node.Tests.Kubernetes;

namespace Vks.Node.Tests.KubeletApi.Certificates;

public sealed class CsrServingCertificateSourceTests : IAsyncDisposable
{
    private static readonly ServingCertificateTemplate Template = new("worker-1", [IPAddress.Loopback], ["worker-1"]);
    private readonly ManualTimeProvider _clock = new();
    private readonly string _root = Directory.CreateTempSubdirectory("vks-csr-test-").FullName;
    private readonly TestAuthority _authority;
    private readonly FakeSigningRequests _api;
    private readonly List<(CancellationTokenSource Stop, Task Loop)> _running = [];
    private readonly RecordingLogger<CsrServingCertificateSource> _log = new();

    public CsrServingCertificateSourceTests()
    {
        _authority = new TestAuthority("cluster-ca", _clock.GetUtcNow());
        _api = new FakeSigningRequests(_authority, _clock);
    }

    private ServingCertificateStore Store => new(Path.Combine(_root, "pki"));

    private CsrServingCertificateSource Start(ServingCertificateTemplate? template = null)
    {
        var source = new CsrServingCertificateSource(
            template ?? Template, Store, _api, _log, _clock);
        var stop = new CancellationTokenSource();
        _running.Add((stop, source.RunAsync(stop.Token)));
        return source;
    }

    private async Task StopAllAsync()
    {
        foreach (var (stop, loop) in _running)
        {
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
            stop.Dispose();
        }
        _running.Clear();
    }

    /// <summary>Lets the loop reach its next sleep and passes one hour (the longest piece it sleeps at once).</summary>
    private Task PassAnHourAsync() => _clock.AdvanceWhenDueAsync(TimeSpan.FromHours(1));

    [Fact]
    public async Task Nothing_is_served_until_the_csr_is_approved_then_the_certificate_is_stored()
    {
        var source = Start();
        var name = await _api.NextFiledAsync();
        Assert.Contains($"kubectl certificate approve {name}", await _log.NextContainingAsync("Filed CSR"), StringComparison.Ordinal);
        Assert.Null(source.Current);
        Assert.StartsWith($"waiting for approval of CSR {name} (kubectl certificate approve {name})", source.Status, StringComparison.Ordinal);
        Assert.Contains("not served", source.Status, StringComparison.Ordinal);

        _api.Approve(name);
        await source.WaitForCertificateAsync(CancellationToken.None);
        Assert.True(Template.Matches(source.Current!.Certificate));
        Assert.True(source.Current.Certificate.HasPrivateKey);
        Assert.StartsWith("serving ", source.Status, StringComparison.Ordinal);
        Assert.Equal(source.Current.Certificate.Thumbprint, Store.LoadCurrent()!.Certificate.Thumbprint);
        Assert.Null(Store.LoadPending());
    }

    [Fact]
    public async Task A_restart_serves_the_stored_certificate_and_files_no_csr()
    {
        var first = Start();
        _api.Approve(await _api.NextFiledAsync());
        await first.WaitForCertificateAsync(CancellationToken.None);
        var issued = first.Current!.Certificate.Thumbprint;
        await StopAllAsync();

        var second = Start();
        await second.WaitForCertificateAsync(CancellationToken.None);
        Assert.Equal(issued, second.Current!.Certificate.Thumbprint);
        await PassAnHourAsync();
        Assert.Equal(1, _api.Created);
    }

    [Fact]
    public async Task Renewal_files_a_fresh_csr_at_70_percent_and_serves_the_old_certificate_until_it_is_issued()
    {
        var source = Start();
        _api.Approve(await _api.NextFiledAsync());
        await source.WaitForCertificateAsync(CancellationToken.None);
        var old = source.Current!;
        Assert.Equal(old.NotBefore + TimeSpan.FromHours(7), old.RenewalDueAt);

        for (var hour = 1; hour < 7; hour++)
        {
            await PassAnHourAsync();
        }
        Assert.False(_api.AnyFiled);

        await PassAnHourAsync();
        var renewal = await _api.NextFiledAsync();
        await _log.NextContainingAsync($"Filed CSR {renewal}");
        Assert.Same(old, source.Current);
        Assert.Contains($"waiting for approval of CSR {renewal}", source.Status, StringComparison.Ordinal);
        Assert.Contains("serving the old certificate", source.Status, StringComparison.Ordinal);

        _api.Approve(renewal);
        await PassAnHourAsync(); // the loop sleeps again once the new certificate is in
        Assert.NotEqual(old.Certificate.Thumbprint, source.Current!.Certificate.Thumbprint);
        Assert.Equal(source.Current.Certificate.Thumbprint, Store.LoadCurrent()!.Certificate.Thumbprint);
        Assert.Equal(2, _api.Created);
    }

    [Fact]
    public async Task A_restart_while_a_csr_is_pending_waits_for_that_csr_instead_of_filing_another()
    {
        Start();
        var name = await _api.NextFiledAsync();
        await StopAllAsync();

        var second = Start();
        _api.Approve(name);
        await second.WaitForCertificateAsync(CancellationToken.None);
        Assert.Equal(1, _api.Created);
        Assert.True(second.Current!.Certificate.HasPrivateKey);
    }

    [Fact]
    public async Task A_denied_csr_is_reported_and_a_new_one_filed_after_a_backoff()
    {
        var source = Start();
        var first = await _api.NextFiledAsync();
        _api.Deny(first);
        await _clock.AdvanceWhenDueAsync(TimeSpan.FromSeconds(30));
        var second = await _api.NextFiledAsync();
        Assert.NotEqual(first, second);
        Assert.Null(source.Current);
    }

    [Fact]
    public async Task The_status_and_the_log_tell_a_denial_and_when_the_next_csr_goes_out()
    {
        var source = Start();
        _api.Deny(await _api.NextFiledAsync());
        var line = await _log.NextContainingAsync("No kubelet serving certificate");
        Assert.Contains("CSR csr-1 denied: NotOurNode: refused by test; filing a new CSR at", source.Status, StringComparison.Ordinal);
        Assert.Contains(source.Status, line, StringComparison.Ordinal);
        Assert.Null(Store.LoadPending());
    }

    [Fact]
    public async Task A_stored_certificate_for_other_addresses_is_replaced()
    {
        var first = Start();
        _api.Approve(await _api.NextFiledAsync());
        await first.WaitForCertificateAsync(CancellationToken.None);
        await StopAllAsync();

        var moved = new ServingCertificateTemplate("worker-1", [IPAddress.Parse("10.1.2.3")], ["worker-1"]);
        var second = Start(moved);
        var name = await _api.NextFiledAsync();
        Assert.Null(second.Current);
        _api.Approve(name);
        await second.WaitForCertificateAsync(CancellationToken.None);
        Assert.True(moved.Matches(second.Current!.Certificate));
    }

    [Fact]
    public async Task An_api_server_that_is_away_is_retried_and_said_in_the_status()
    {
        _api.CreateFailure = new HttpRequestException("connection refused");
        var source = Start();
        await _log.NextContainingAsync("The CSR API failed");
        Assert.StartsWith("the CSR API failed (HttpRequestException: connection refused); retrying at", source.Status, StringComparison.Ordinal);

        _api.CreateFailure = null;
        await _clock.AdvanceWhenDueAsync(TimeSpan.FromSeconds(1));
        Assert.Equal("csr-1", await _api.NextFiledAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await StopAllAsync();
        _authority.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
