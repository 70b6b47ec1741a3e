using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vks.Node.Pods;
using Vks.Systemd.Units;

namespace Vks.Node.Tests.Pods;

public sealed class ContainerUnitNameTests
{
    [Theory]
    [InlineData("default", "uptimed", "uptimed", @"vks.default.uptimed.uptimed.service")]
    [InlineData("kube-system", "web-5d8f7b-x2x9q", "nginx", @"vks.kube\x2dsystem.web\x2d5d8f7b\x2dx2x9q.nginx.service")]
    [InlineData("default", "db.example.com", "main", @"vks.default.db.example.com.main.service")]
    public void Escapes_each_part_with_systemd_escape_rules(string podNamespace, string pod, string container, string expected) =>
        Assert.Equal(expected, ContainerUnitName.For(podNamespace, pod, TestPods.Uid, container));

    [Fact]
    public void Shortens_long_names_deterministically_with_a_hash_of_the_pod_UID_and_container()
    {
        var pod = string.Join('-', Enumerable.Repeat("segment", 31)); // 247 characters, each '-' escapes to 4
        var name = ContainerUnitName.For("default", pod, TestPods.Uid, "main");

        Assert.InRange(name.Length, 252, 255);
        Assert.True(SystemdEscaping.IsValidUnitName(name));
        Assert.StartsWith(@"vks.default.segment\x2dsegment", name, StringComparison.Ordinal);
        Assert.Matches(@"\.[0-9a-f]{16}\.service$", name);
        Assert.Equal(name, ContainerUnitName.For("default", pod, TestPods.Uid, "main"));
        Assert.NotEqual(name, ContainerUnitName.For("default", pod, "another-uid", "main"));
        Assert.NotEqual(name, ContainerUnitName.For("default", pod, TestPods.Uid, "sidecar"));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("abc")]
    [InlineData("abcd")]
    public void Never_splits_an_escape_when_shortening(string podNamespace)
    {
        // Dashes only: each one escapes to "\x2d", so the cut lands inside an escape for three of these namespaces.
        var name = ContainerUnitName.For(podNamespace, new string('-', 100), TestPods.Uid, "c");

        Assert.True(SystemdEscaping.IsValidUnitName(name), name);
        var body = name["vks.".Length..^(".".Length + 16 + ".service".Length)];
        Assert.Matches($@"^{podNamespace}\.(\\x2d)+$", body);
        Assert.InRange(name.Length, 252, 255);
    }

    private static readonly Arbitrary<string> Names =
        Gen.Elements("a", "-", ".", "é", "😀", "/", "\\", " ", "%", "x", "0", "_", ":", "@").ArrayOf().Select(string.Concat).ToArbitrary();

    [Property(MaxTest = 500)]
    public Property Any_names_give_a_valid_unit_name_that_keeps_them_apart() =>
        Prop.ForAll(Names, Names, Names, (podNamespace, pod, container) =>
        {
            var name = ContainerUnitName.For(podNamespace, pod, TestPods.Uid, container);
            Assert.True(SystemdEscaping.IsValidUnitName(name), name);
            Assert.StartsWith("vks.", name, StringComparison.Ordinal);
            Assert.EndsWith(".service", name, StringComparison.Ordinal);
            Assert.True(ContainerUnitName.HasContainerUnitForm(name), name);
            Assert.NotEqual(name, ContainerUnitName.For(podNamespace, pod, TestPods.Uid, container + "x"));
        });

    [Theory]
    [InlineData("vks.service")]
    [InlineData("vks.socket")]
    [InlineData("vksx.default.web.main.service")]
    [InlineData("other.default.web.main.service")]
    [InlineData("vks.default.web.main.scope")]
    public void Vks_own_unit_and_foreign_units_do_not_have_the_container_unit_form(string unitName) =>
        Assert.False(ContainerUnitName.HasContainerUnitForm(unitName));
}
