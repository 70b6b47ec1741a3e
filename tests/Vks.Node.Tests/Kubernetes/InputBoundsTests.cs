using Vks.Node.Kubernetes;

namespace Vks.Node.Tests.Kubernetes;

/// <summary>What the adapters do with text they do not control before it goes to the API server.</summary>
public sealed class InputBoundsTests
{
    [Theory]
    [InlineData("node-1", "node-1")]
    [InlineData(@"a,b=c\d", @"a\,b\=c\\d")]
    public void Field_selector_values_escape_the_separators(string value, string escaped)
    {
        Assert.Equal(escaped, KubernetesPodSource.EscapeFieldSelectorValue(value));
    }

    [Fact]
    public void Event_text_is_cut_to_its_bound_without_splitting_a_surrogate_pair()
    {
        var emoji = "\U0001F600"; // two UTF-16 units
        var text = new string('x', 9) + emoji + "tail";

        Assert.Equal(new string('x', 9), EventRecorder.Truncate(text, 10)); // the pair would straddle the cut
        Assert.Equal(new string('x', 9) + emoji, EventRecorder.Truncate(text, 11));
        Assert.Equal("short", EventRecorder.Truncate("short", 10));
    }

    [Fact]
    public void Event_names_sort_by_time_and_fit_the_name_bound_even_for_the_longest_pod_name()
    {
        Assert.Equal("web.0000000000000abc", EventRecorder.EventName("web", 0xabc));
        Assert.True(string.CompareOrdinal(EventRecorder.EventName("web", 0x187a0000000000ff), EventRecorder.EventName("web", 0x187a000000000100)) < 0);

        // 253 characters, the longest pod name, cut where the kept part ends in '-': the cut drops it too.
        var longest = new string('a', 235) + "-" + new string('b', 17);
        var name = EventRecorder.EventName(longest, 0x187a000000000100);

        Assert.True(name.Length <= EventRecorder.MaxNameLength, $"{name.Length} characters");
        Assert.Equal(new string('a', 235) + ".187a000000000100", name);
    }
}
