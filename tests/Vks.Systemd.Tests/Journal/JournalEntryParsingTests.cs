using System.Text;
using Vks.Systemd.Journal;

namespace Vks.Systemd.Tests.Journal;

public sealed class JournalEntryParsingTests
{
    private static JournalEntry[] Entries() =>
        JournalctlGolden.CapturedOutput.Split('\n').Select(l => JournalEntry.ParseJson(Encoding.UTF8.GetBytes(l))).ToArray();

    [Fact]
    public void Captured_journalctl_output_parses_into_messages_timestamps_and_priorities()
    {
        var entries = Entries();

        Assert.Equal(6, entries.Length);
        Assert.Equal("plain text é ✓", entries[0].MessageText);
        Assert.Equal(6, entries[0].Priority);
        Assert.Equal("0a1b2c3d4e5f60718293a4b5c6d7e8f9", entries[0].InvocationId);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddTicks(1795467184383860L * 10), entries[0].Timestamp);
        Assert.Equal("s=1208916ddf3a48dc846f5d39f13bf837;i=15f;b=76ac7466de9a451bbdad24dd43c10159;m=abce1e42;t=660f7c7bb2774;x=f5def4934f526cc1", entries[0].Cursor);
        Assert.Equal("first line\nsecond line\ttab", entries[1].MessageText);
        Assert.Equal(3, entries[1].Priority);
        Assert.Null(entries[1].InvocationId);
    }

    [Fact]
    public void Binary_messages_keep_their_exact_bytes()
    {
        byte[] expected = [.. "bad utf8 "u8, 0xff, 0xfe, .. " end"u8];

        Assert.Equal(expected, Entries()[2].Message.ToArray());
    }

    [Fact]
    public void Control_characters_arrive_as_bytes_too() =>
        Assert.Equal("\u001b[31mred\u001b[0m", Entries()[4].MessageText);

    [Fact]
    public void A_repeated_message_field_yields_its_first_value() =>
        Assert.Equal("one", Entries()[3].MessageText);

    [Fact]
    public void An_entry_without_message_or_priority_has_empty_message_and_no_priority()
    {
        var entry = Entries()[5];

        Assert.True(entry.Message.IsEmpty);
        Assert.Null(entry.Priority);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"__REALTIME_TIMESTAMP\":\"1\"}")]
    [InlineData("{\"__CURSOR\":\"c\"}")]
    [InlineData("{\"__CURSOR\":\"c\",\"__REALTIME_TIMESTAMP\":\"-5\"}")]
    [InlineData("{\"__CURSOR\":\"c\",\"__REALTIME_TIMESTAMP\":\"99999999999999999999\"}")]
    [InlineData("{\"__CURSOR\":\"c\",\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":[1,256]}")]
    [InlineData("{\"__CURSOR\":\"c\",\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":{\"a\":1}}")]
    public void Malformed_lines_are_format_errors(string line) =>
        Assert.Throws<FormatException>(() => JournalEntry.ParseJson(Encoding.UTF8.GetBytes(line)));

    [Fact]
    public void Out_of_range_priorities_are_ignored() =>
        Assert.Null(JournalEntry.ParseJson("{\"__CURSOR\":\"c\",\"__REALTIME_TIMESTAMP\":\"1\",\"PRIORITY\":\"12\"}"u8.ToArray()).Priority);
}
