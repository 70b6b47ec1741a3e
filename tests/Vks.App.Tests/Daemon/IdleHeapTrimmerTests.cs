using Vks.App.Daemon;

namespace Vks.App.Tests.Daemon;

public sealed class IdleHeapTrimmerTests
{
    private const long MB = 1 << 20;

    [Fact]
    public void A_quiet_interval_after_a_burst_trims()
    {
        Assert.True(IdleHeapTrimmer.ShouldTrim(allocatedNow: 1001 * MB, allocatedAtLastLook: 1000 * MB, allocatedAtLastTrim: 100 * MB));
    }

    [Fact]
    public void A_busy_interval_waits_until_vks_is_quiet()
    {
        Assert.False(IdleHeapTrimmer.ShouldTrim(allocatedNow: 1000 * MB, allocatedAtLastLook: 900 * MB, allocatedAtLastTrim: 100 * MB));
    }

    [Fact]
    public void A_quiet_vks_with_no_burst_since_the_last_trim_is_left_alone()
    {
        // Lease renewals and node status for a long time add up slowly, never a burst in one interval.
        Assert.False(IdleHeapTrimmer.ShouldTrim(allocatedNow: 130 * MB, allocatedAtLastLook: 129 * MB, allocatedAtLastTrim: 100 * MB));
    }

    [Fact]
    public void The_first_quiet_interval_after_start_up_trims()
    {
        // Start-up (loading, JIT, the first sync) is the first burst, whatever it allocated.
        Assert.True(IdleHeapTrimmer.ShouldTrim(allocatedNow: 30 * MB, allocatedAtLastLook: 29 * MB, allocatedAtLastTrim: null));
    }

    [Fact]
    public void Start_up_still_busy_is_left_alone_until_quiet()
    {
        Assert.False(IdleHeapTrimmer.ShouldTrim(allocatedNow: 30 * MB, allocatedAtLastLook: 10 * MB, allocatedAtLastTrim: null));
    }
}
