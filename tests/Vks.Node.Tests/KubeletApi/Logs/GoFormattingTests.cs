using Vks.Node.KubeletApi.Logs;

namespace Vks.Node.Tests.KubeletApi.Logs;

public sealed class GoFormattingTests
{
    [Theory]
    // Expected values as Go's time.Time.UTC().Format(time.RFC3339Nano) prints them.
    [InlineData(0L, "2026-03-01T12:00:00Z")]
    [InlineData(1_000_000L, "2026-03-01T12:00:00.1Z")]
    [InlineData(1_234_560L, "2026-03-01T12:00:00.123456Z")]
    [InlineData(10L, "2026-03-01T12:00:00.000001Z")]
    [InlineData(1L, "2026-03-01T12:00:00.0000001Z")]
    [InlineData(9_999_999L, "2026-03-01T12:00:00.9999999Z")]
    public void Rfc3339Nano_trims_trailing_zeros_of_the_fraction_like_Go(long ticks, string expected) =>
        Assert.Equal(expected, GoFormatting.Rfc3339Nano(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(ticks)));

    [Fact]
    public void Rfc3339Nano_writes_UTC_whatever_the_offset() =>
        Assert.Equal("2026-03-01T10:30:00Z", GoFormatting.Rfc3339Nano(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.FromHours(1.5))));

    [Theory]
    // Expected values as Go's fmt.Sprintf("%q", s) prints them.
    [InlineData("web", "\"web\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("tab\there\nnl", "\"tab\\there\\nnl\"")]
    [InlineData("\u0001\u007f", "\"\\x01\\x7f\"")]
    [InlineData("é中😀", "\"é中😀\"")]
    [InlineData("\u200b\u2028", "\"\\u200b\\u2028\"")]
    public void Quote_escapes_like_Gos_percent_q(string value, string expected) =>
        Assert.Equal(expected, GoFormatting.Quote(value));
}
