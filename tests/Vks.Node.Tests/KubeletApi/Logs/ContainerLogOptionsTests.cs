// Query parameters as the kubelet decodes and validates them into PodLogOptions.
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.Http;
using Vks.Node.KubeletApi.Logs;

namespace Vks.Node.Tests.KubeletApi.Logs;

public sealed class ContainerLogOptionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static ContainerLogOptions Parse(string query)
    {
        Assert.True(ContainerLogOptions.TryParse(new QueryCollection(QueryHelpers.ParseQuery(query)), Now, out var options, out var error), error);
        return options;
    }

    private static string Refuse(string query)
    {
        Assert.False(ContainerLogOptions.TryParse(new QueryCollection(QueryHelpers.ParseQuery(query)), Now, out _, out var error));
        Assert.NotEmpty(error);
        return error;
    }

    [Fact]
    public void No_parameters_mean_the_whole_current_log_once() =>
        Assert.Equal(new ContainerLogOptions(false, false, false, null, null, null), Parse(""));

    [Fact]
    public void Every_parameter_is_read() =>
        Assert.Equal(
            new ContainerLogOptions(true, true, true, 3, Now.AddSeconds(-10), 100),
            Parse("?follow=true&previous=1&timestamps=yes&tailLines=3&sinceSeconds=10&limitBytes=100"));

    [Theory]
    [InlineData("?follow=false", false)]
    [InlineData("?follow=FALSE", false)]
    [InlineData("?follow=f", false)]
    [InlineData("?follow=0", false)]
    [InlineData("?follow=true", true)]
    [InlineData("?follow=1", true)]
    [InlineData("?follow=no", true)]
    [InlineData("?follow=", true)]
    [InlineData("?follow=false&follow=true", false)]
    public void Booleans_are_false_only_for_0_f_and_false_like_the_kubelets_decoder(string query, bool follow) =>
        Assert.Equal(follow, Parse(query).Follow);

    [Theory]
    [InlineData("?sinceTime=2026-03-01T11:00:00Z", "2026-03-01T11:00:00+00:00")]
    [InlineData("?sinceTime=2026-03-01T13:00:00%2B02:00", "2026-03-01T11:00:00+00:00")]
    [InlineData("?sinceTime=2026-03-01T11:00:00.123456789Z", "2026-03-01T11:00:00.1234567+00:00")]
    [InlineData("?sinceTime=", null)]
    public void SinceTime_is_RFC_3339(string query, string? since) =>
        Assert.Equal(since is null ? null : DateTimeOffset.Parse(since, System.Globalization.CultureInfo.InvariantCulture), Parse(query).Since);

    [Fact]
    public void The_legacy_tail_parameter_takes_a_number_or_all()
    {
        Assert.Equal(7, Parse("?tail=7").TailLines);
        Assert.Null(Parse("?tailLines=5&tail=all").TailLines);
    }

    [Fact]
    public void Huge_values_mean_everything()
    {
        Assert.Equal(int.MaxValue, Parse("?tailLines=9223372036854775807").TailLines);
        Assert.Equal(DateTimeOffset.UnixEpoch, Parse("?sinceSeconds=9223372036854775807").Since);
    }

    [Theory]
    [InlineData("?tailLines=-1", "tailLines")]
    [InlineData("?tailLines=ten", "tailLines")]
    [InlineData("?tailLines=1.5", "tailLines")]
    [InlineData("?tailLines=%201", "tailLines")]
    [InlineData("?tailLines=99999999999999999999", "tailLines")]
    [InlineData("?limitBytes=0", "limitBytes")]
    [InlineData("?limitBytes=-5", "limitBytes")]
    [InlineData("?sinceSeconds=0", "sinceSeconds")]
    [InlineData("?sinceSeconds=-3", "sinceSeconds")]
    [InlineData("?sinceSeconds=1&sinceTime=2026-03-01T11:00:00Z", "at most one")]
    [InlineData("?sinceTime=yesterday", "sinceTime")]
    [InlineData("?sinceTime=2026-03-01 11:00:00Z", "sinceTime")]
    [InlineData("?sinceTime=2026-03-01T11:00:00", "sinceTime")]
    [InlineData("?sinceTime=2026-13-01T11:00:00Z", "sinceTime")]
    public void Invalid_values_are_refused_with_the_parameter_named(string query, string named) =>
        Assert.Contains(named, Refuse(query), StringComparison.Ordinal);
}
