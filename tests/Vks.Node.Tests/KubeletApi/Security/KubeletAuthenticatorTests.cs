using Vks.Node.KubeletApi.Security;
using Vks.Node.Tests.Kubernetes;

namespace Vks.Node.Tests.KubeletApi.Security;

public sealed class KubeletAuthenticatorTests : IDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly TestAuthority _trusted;
    private readonly TestAuthority _stranger;
    private readonly FakeTokenReviewer _tokens = new();
    private readonly KubeletAuthenticator _authenticator;

    public KubeletAuthenticatorTests()
    {
        _trusted = new TestAuthority("trusted-ca", _clock.GetUtcNow());
        _stranger = new TestAuthority("stranger-ca", _clock.GetUtcNow());
        _tokens.Tokens["good-token"] = FakeTokenReviewer.User("system:serviceaccount:monitoring:scraper", "system:serviceaccounts");
        _authenticator = new KubeletAuthenticator(new ClientCertificateAuthenticator(_trusted.Bundle, _clock), _tokens, _clock);
    }

    [Fact]
    public async Task A_client_certificate_from_the_client_ca_names_the_user_by_cn_and_the_groups_by_o()
    {
        using var certificate = _trusted.IssueClient("kube-apiserver-kubelet-client", ["system:masters", "ops"], _clock.GetUtcNow());
        var result = await _authenticator.AuthenticateAsync(certificate, null, CancellationToken.None);
        Assert.Equal("kube-apiserver-kubelet-client", result.User!.Name);
        Assert.Equal(["system:masters", "ops", KubeletUser.AuthenticatedGroup], result.User.Groups);
        Assert.Equal(0, _tokens.Reviews);
    }

    [Fact]
    public async Task A_certificate_from_another_ca_is_refused()
    {
        using var certificate = _stranger.IssueClient("admin", ["system:masters"], _clock.GetUtcNow());
        var result = await _authenticator.AuthenticateAsync(certificate, null, CancellationToken.None);
        Assert.False(result.IsAuthenticated);
        Assert.Contains("not trusted", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_certificate_is_refused()
    {
        using var certificate = _trusted.IssueClient("alice", [], _clock.GetUtcNow(), TimeSpan.FromHours(1));
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.False((await _authenticator.AuthenticateAsync(certificate, null, CancellationToken.None)).IsAuthenticated);
    }

    [Fact]
    public async Task A_server_certificate_is_no_client_certificate()
    {
        using var certificate = _trusted.IssueServer("alice", _clock.GetUtcNow());
        Assert.False((await _authenticator.AuthenticateAsync(certificate, null, CancellationToken.None)).IsAuthenticated);
    }

    [Fact]
    public async Task Without_a_client_ca_no_certificate_is_accepted()
    {
        var tokensOnly = new KubeletAuthenticator(null, _tokens, _clock);
        using var certificate = _trusted.IssueClient("alice", [], _clock.GetUtcNow());
        Assert.False((await tokensOnly.AuthenticateAsync(certificate, null, CancellationToken.None)).IsAuthenticated);
        Assert.Empty(tokensOnly.ClientCertificateAuthorities);
    }

    [Fact]
    public async Task A_bearer_token_is_reviewed_once_then_cached()
    {
        for (var i = 0; i < 5; i++)
        {
            var result = await _authenticator.AuthenticateAsync(null, "Bearer good-token", CancellationToken.None);
            Assert.Equal("system:serviceaccount:monitoring:scraper", result.User!.Name);
        }
        Assert.Equal(1, _tokens.Reviews);

        _clock.Advance(KubeletAuthenticator.DefaultAuthenticatedTtl);
        await _authenticator.AuthenticateAsync(null, "Bearer good-token", CancellationToken.None);
        Assert.Equal(2, _tokens.Reviews);
    }

    [Fact]
    public async Task A_rejected_token_is_cached_for_a_shorter_time()
    {
        Assert.False((await _authenticator.AuthenticateAsync(null, "Bearer bad-token", CancellationToken.None)).IsAuthenticated);
        Assert.False((await _authenticator.AuthenticateAsync(null, "Bearer bad-token", CancellationToken.None)).IsAuthenticated);
        Assert.Equal(1, _tokens.Reviews);
        _clock.Advance(KubeletAuthenticator.DefaultRejectedTtl);
        await _authenticator.AuthenticateAsync(null, "Bearer bad-token", CancellationToken.None);
        Assert.Equal(2, _tokens.Reviews);
    }

    [Fact]
    public async Task A_valid_token_wins_over_an_untrusted_certificate()
    {
        using var certificate = _stranger.IssueClient("mallory", ["system:masters"], _clock.GetUtcNow());
        var result = await _authenticator.AuthenticateAsync(certificate, "Bearer good-token", CancellationToken.None);
        Assert.Equal("system:serviceaccount:monitoring:scraper", result.User!.Name);
    }

    [Fact]
    public async Task No_credentials_is_a_failure_that_says_so()
    {
        var result = await _authenticator.AuthenticateAsync(null, null, CancellationToken.None);
        Assert.False(result.IsAuthenticated);
        Assert.Equal("no client certificate and no bearer token", result.Failure);
    }

    [Fact]
    public async Task A_token_review_that_cannot_be_made_throws_and_is_not_cached()
    {
        _tokens.Failure = new HttpRequestException("connection refused");
        await Assert.ThrowsAsync<HttpRequestException>(() => _authenticator.AuthenticateAsync(null, "Bearer good-token", CancellationToken.None));
        _tokens.Failure = null;
        Assert.True((await _authenticator.AuthenticateAsync(null, "Bearer good-token", CancellationToken.None)).IsAuthenticated);
    }

    [Theory]
    [InlineData("Bearer abc", "abc")]
    [InlineData("bearer abc", "abc")]
    [InlineData("BEARER  abc ", "abc")]
    [InlineData("Bearer abc def", "abc")]
    [InlineData("Basic abc", null)]
    [InlineData("Bearer", null)]
    [InlineData("Bearer ", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void The_bearer_token_is_read_as_the_kubelet_reads_it(string? header, string? token) =>
        Assert.Equal(token, KubeletAuthenticator.BearerToken(header));

    public void Dispose()
    {
        _trusted.Dispose();
        _stranger.Dispose();
    }
}
