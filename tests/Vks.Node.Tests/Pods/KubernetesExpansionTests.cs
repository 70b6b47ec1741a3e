// $(VAR) expansion, case by case against the rules of Kubernetes' third_party/forked/golang/expansion (its test
// table covers the same cases).
using Vks.Node.Pods;

namespace Vks.Node.Tests.Pods;

public sealed class KubernetesExpansionTests
{
    private static readonly Dictionary<string, string> Variables = new(StringComparer.Ordinal)
    {
        ["VAR_A"] = "A",
        ["VAR_B"] = "B",
        ["VAR_C"] = "C",
        ["VAR_REF"] = "$(VAR_A)",
        ["VAR_EMPTY"] = "",
        ["BLOCK"] = "$(VAR_B)",
    };

    [Theory]
    [InlineData("$(VAR_A)", "A")]
    [InlineData("___$(VAR_B)___", "___B___")]
    [InlineData("$(VAR_A)-$(VAR_A)", "A-A")]
    [InlineData("$(VAR_A)$(VAR_B)$(VAR_C)", "ABC")]
    [InlineData("$(VAR_DOES_NOT_EXIST)", "$(VAR_DOES_NOT_EXIST)")]
    [InlineData("foo$(VAR_EMPTY)bar", "foobar")]
    [InlineData("$$(VAR_A)", "$(VAR_A)")]
    [InlineData("$$$$(VAR_A)", "$$(VAR_A)")]
    [InlineData("$$$(VAR_A)", "$A")]
    [InlineData("f000-$$VAR_A", "f000-$VAR_A")]
    [InlineData("$VAR_A", "$VAR_A")]
    [InlineData("${VAR_A}", "${VAR_A}")]
    [InlineData("$(VAR_A", "$(VAR_A")]
    [InlineData("$(VAR_A$(VAR_B)", "$(VAR_A$(VAR_B)")]
    [InlineData("$()", "$()")]
    [InlineData("$", "$")]
    [InlineData("$$", "$")]
    [InlineData("$$$", "$$")]
    [InlineData("foo$", "foo$")]
    [InlineData("$(VAR_REF)", "$(VAR_A)")]
    [InlineData("$(BLOCK)", "$(VAR_B)")]
    [InlineData("(VAR_A)", "(VAR_A)")]
    [InlineData("$é$(VAR_A)", "$éA")]
    [InlineData("", "")]
    public void Expands_like_Kubernetes(string input, string expected) =>
        Assert.Equal(expected, KubernetesExpansion.Expand(input, name => Variables.GetValueOrDefault(name)));
}
