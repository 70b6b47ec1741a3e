using Vks.Node.KubeletApi.Security;

namespace Vks.Node.Tests.KubeletApi.Security;

public sealed class KubeletRequestAttributesTests
{
    [Theory]
    [InlineData("GET", "get")]
    [InlineData("HEAD", "get")]
    [InlineData("POST", "create")]
    [InlineData("PUT", "update")]
    [InlineData("PATCH", "patch")]
    [InlineData("DELETE", "delete")]
    [InlineData("get", "get")]
    public void The_verb_comes_from_the_method(string method, string verb) =>
        Assert.Equal(verb, KubeletRequestAttributes.Of(method, "/pods")!.Verb);

    [Theory]
    [InlineData("OPTIONS")]
    [InlineData("TRACE")]
    [InlineData("CONNECT")]
    [InlineData("")]
    public void A_method_without_an_api_verb_has_no_attributes(string method) =>
        Assert.Null(KubeletRequestAttributes.Of(method, "/pods"));

    [Theory]
    [InlineData("/stats/summary", "stats")]
    [InlineData("/stats", "stats")]
    [InlineData("/stats/", "stats")]
    [InlineData("/metrics", "metrics")]
    [InlineData("/metrics/resource", "metrics")]
    [InlineData("/metrics/cadvisor", "metrics")]
    [InlineData("/logs/", "log")]
    [InlineData("/logs/syslog", "log")]
    [InlineData("/spec/", "spec")]
    [InlineData("/containerLogs/default/web/main", "proxy")]
    [InlineData("/pods", "proxy")]
    [InlineData("/healthz", "proxy")]
    [InlineData("/", "proxy")]
    [InlineData("/statsx", "proxy")]
    [InlineData("/metricsfoo/resource", "proxy")]
    [InlineData("/logsnot", "proxy")]
    [InlineData("/Stats/summary", "proxy")]
    [InlineData("//stats/summary", "proxy")]
    public void The_subresource_comes_from_the_path_as_in_the_kubelet(string path, string subresource) =>
        Assert.Equal(subresource, KubeletRequestAttributes.Of("GET", path)!.Subresource);

    [Fact]
    public void Describe_names_what_was_checked() =>
        Assert.Equal("user=alice, verb=get, resource=nodes, subresource=stats",
            new KubeletRequestAttributes("get", "stats").Describe("alice"));
}
