using System.IO.Pipelines;
using System.Text;
using Vks.Node.KubeletApi.Logs;
using Vks.Systemd.Journal;

namespace Vks.Node.Tests.KubeletApi.Logs;

public sealed class ContainerLogWriterTests
{
    private static readonly DateTimeOffset Time = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_560);

    private static JournalEntry Entry(byte[] message, string cursor = "c") => new(Time, message, null, null, cursor);

    private static async Task<byte[]> WriteAsync(bool timestamps, long? limitBytes, params byte[][] messages)
    {
        using var output = new MemoryStream();
        var pipe = PipeWriter.Create(output, new StreamPipeWriterOptions(leaveOpen: true));
        var writer = new ContainerLogWriter(pipe, timestamps, limitBytes);
        foreach (var message in messages)
        {
            if (!writer.CanWrite)
            {
                break;
            }

            await writer.WriteAsync(Entry(message), CancellationToken.None);
        }

        await writer.FlushAsync(CancellationToken.None);
        await pipe.CompleteAsync();
        return output.ToArray();
    }

    [Fact]
    public async Task Each_entry_becomes_its_message_bytes_and_a_newline()
    {
        byte[] binary = [.. "bad "u8, 0xff, 0xfe];

        var written = await WriteAsync(false, null, "one"u8.ToArray(), binary, []);

        Assert.Equal([.. "one\n"u8, .. binary, (byte)'\n', (byte)'\n'], written);
    }

    [Fact]
    public async Task Timestamps_prefix_each_line_with_RFC3339Nano_and_a_space() =>
        Assert.Equal(
            "2026-03-01T12:00:00.123456Z one\n2026-03-01T12:00:00.123456Z two\n",
            Encoding.UTF8.GetString(await WriteAsync(true, null, "one"u8.ToArray(), "two"u8.ToArray())));

    [Theory]
    [InlineData(1, "o")]
    [InlineData(4, "one\n")]
    [InlineData(6, "one\ntw")]
    [InlineData(100, "one\ntwo\nthree\n")]
    public async Task LimitBytes_cuts_the_output_at_exactly_that_many_bytes(long limit, string expected) =>
        Assert.Equal(expected, Encoding.UTF8.GetString(await WriteAsync(false, limit, "one"u8.ToArray(), "two"u8.ToArray(), "three"u8.ToArray())));

    [Fact]
    public async Task The_last_cursor_is_that_of_the_last_entry_written()
    {
        using var output = new MemoryStream();
        var writer = new ContainerLogWriter(PipeWriter.Create(output), false, null);

        await writer.WriteAsync(Entry("a"u8.ToArray(), "first"), CancellationToken.None);
        await writer.WriteAsync(Entry("b"u8.ToArray(), "second"), CancellationToken.None);

        Assert.Equal("second", writer.LastCursor);
    }
}
