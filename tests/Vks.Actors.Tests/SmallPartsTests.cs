using Vks.Actors.Pods;
using Vks.Actors.Units;

namespace Vks.Actors.Tests;

public sealed class SmallPartsTests
{
    [Theory]
    [InlineData("pod-", "0b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a5b", "pod-0b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a5b")]
    [InlineData("unit-", "app", "unit-app")]
    public void Kubernetes_names_are_kept_readable_in_actor_names(string prefix, string value, string expected)
    {
        Assert.Equal(expected, ActorNames.For(prefix, value));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("UPPER")]
    [InlineData("")]
    [InlineData("$a")]
    [InlineData("-leading")]
    public void Anything_else_becomes_a_stable_valid_hash(string value)
    {
        var name = ActorNames.For("unit-", value);
        Assert.Equal(name, ActorNames.For("unit-", value));
        Assert.Matches("^unit-[0-9a-f]{32}$", name);
        Assert.True(Akka.Actor.ActorPath.IsValidPathElement(name));
    }

    [Fact]
    public void A_bare_command_is_found_on_systemds_search_path()
    {
        var sh = ExecutableSearchPath.Resolve("sh");
        Assert.NotNull(sh);
        Assert.True(Path.IsPathFullyQualified(sh));
        Assert.Null(ExecutableSearchPath.Resolve("vks-no-such-command"));
        Assert.Null(ExecutableSearchPath.Resolve("../sh"));
        Assert.Null(ExecutableSearchPath.Resolve(".."));
        Assert.Null(ExecutableSearchPath.Resolve(""));
    }

    [Fact]
    public void The_grace_is_deletions_else_the_specs_else_30_s_and_never_absurd()
    {
        var pod = TestPods.Pod([TestPods.Shell("app")], gracePeriodSeconds: 45);
        Assert.Equal(TimeSpan.FromSeconds(45), PodGrace.ForReplacement(pod));
        Assert.Equal(TimeSpan.FromSeconds(45), PodGrace.ForDeletion(pod));
        Assert.Equal(TimeSpan.FromSeconds(3), PodGrace.ForDeletion(TestPods.Deleted(pod, 3)));
        Assert.Equal(TimeSpan.Zero, PodGrace.ForDeletion(TestPods.Deleted(pod, 0)));

        pod.Spec.TerminationGracePeriodSeconds = null;
        Assert.Equal(TimeSpan.FromSeconds(30), PodGrace.ForReplacement(pod));
        pod.Spec.TerminationGracePeriodSeconds = long.MaxValue;
        Assert.Equal(PodGrace.Longest, PodGrace.ForReplacement(pod));
        pod.Spec.TerminationGracePeriodSeconds = -5;
        Assert.Equal(TimeSpan.Zero, PodGrace.ForReplacement(pod));
    }
}
