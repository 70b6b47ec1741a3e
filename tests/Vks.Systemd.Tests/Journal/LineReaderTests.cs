using System.Text;
using Vks.Systemd.Journal;

namespace Vks.Systemd.Tests.Journal;

public sealed class LineReaderTests
{
    private static async Task<List<string>> ReadAll(string input, int maxLineBytes)
    {
        var reader = new LineReader(new MemoryStream(Encoding.UTF8.GetBytes(input)), maxLineBytes);
        var lines = new List<string>();
        while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
        {
            lines.Add(Encoding.UTF8.GetString(line.Span));
        }

        return lines;
    }

    [Fact]
    public async Task Lines_are_split_on_newlines_and_empty_lines_are_kept() =>
        Assert.Equal(["a", "", "bc"], await ReadAll("a\n\nbc\n", 10));

    [Fact]
    public async Task Lines_longer_than_the_limit_are_skipped_whole() =>
        Assert.Equal(["short", "12345", "end"], await ReadAll("short\n123456\n12345\n" + new string('x', 200_000) + "\nend\n", 5));

    [Fact]
    public async Task An_unterminated_last_line_is_dropped() =>
        Assert.Equal(["done"], await ReadAll("done\nhalf", 100));

    [Fact]
    public async Task Lines_spanning_many_reads_are_joined() =>
        Assert.Equal([new string('y', 300_000), "z"], await ReadAll(new string('y', 300_000) + "\nz\n", 1_000_000));
}
