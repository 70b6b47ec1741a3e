using System.Collections.Concurrent;
using System.Threading.Channels;
using Vks.Node.KubeletApi.Certificates;

namespace Vks.Node.Tests.KubeletApi.Certificates;

/// <summary>The CSR API in memory: CSRs are filed, and the test approves (signing with its CA) or denies them.</summary>
internal sealed class FakeSigningRequests(TestAuthority authority, TimeProvider clock) : ICertificateSigningRequests
{
    private readonly ConcurrentDictionary<string, (string RequestPem, TaskCompletionSource<SigningRequestDecision> Decision)> _requests = new();
    private readonly Channel<string> _filed = Channel.CreateUnbounded<string>();
    private int _count;

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(10);

    public Exception? CreateFailure { get; set; }

    public int Created => _count;

    public Task<string> CreateAsync(string requestPem, CancellationToken cancellationToken)
    {
        if (CreateFailure is { } failure)
        {
            return Task.FromException<string>(failure);
        }
        var name = $"csr-{Interlocked.Increment(ref _count)}";
        _requests[name] = (requestPem, new TaskCompletionSource<SigningRequestDecision>(TaskCreationOptions.RunContinuationsAsynchronously));
        _filed.Writer.TryWrite(name);
        return Task.FromResult(name);
    }

    public Task<SigningRequestDecision> WaitForDecisionAsync(string name, CancellationToken cancellationToken) =>
        _requests.TryGetValue(name, out var request)
            ? request.Decision.Task.WaitAsync(cancellationToken)
            : Task.FromResult(new SigningRequestDecision(SigningRequestOutcome.Gone));

    /// <summary>The name of the next CSR filed (a hang guard, not a measurement, stops a test that files none).</summary>
    public async Task<string> NextFiledAsync()
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _filed.Reader.ReadAsync(guard.Token);
    }

    public bool AnyFiled => _filed.Reader.TryPeek(out _);

    public void Approve(string name) =>
        _requests[name].Decision.SetResult(new SigningRequestDecision(
            SigningRequestOutcome.Issued, authority.SignRequestPem(_requests[name].RequestPem, clock.GetUtcNow(), Lifetime)));

    public void Deny(string name) =>
        _requests[name].Decision.SetResult(new SigningRequestDecision(SigningRequestOutcome.Denied, Reason: "NotOurNode: refused by test"));
}
