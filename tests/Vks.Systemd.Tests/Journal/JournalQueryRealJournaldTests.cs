// Queries against a real systemd-journald (see PrivateJournald): entries are sent over the native protocol with user
// fields standing in for the trusted ones (a test process cannot set _SYSTEMD_UNIT), and read back through journalctl
// the way the log endpoint reads a container's lines.
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using Vks.Systemd.Journal;

namespace Vks.Systemd.Tests.Journal;

[SupportedOSPlatform("linux")]
public sealed class JournalQueryRealJournaldTests : IAsyncLifetime
{
    // How long journald may take to store entries; a ceiling for slow machines, not a measurement.
    private static readonly TimeSpan StoreDeadline = TimeSpan.FromSeconds(30);

    private readonly string _test = Guid.NewGuid().ToString("N");
    private PrivateJournald _journald = null!;

    public async Task InitializeAsync() => _journald = await PrivateJournald.StartAsync();

    public async Task DisposeAsync() => await _journald.DisposeAsync();

    [Fact]
    public async Task Matches_on_different_fields_must_all_hold()
    {
        Send(("MESSAGE", "old pod"u8.ToArray()), ("VKS_POD_UID", "uid-old"u8.ToArray()));
        Send(("MESSAGE", "new pod"u8.ToArray()), ("VKS_POD_UID", "uid-new"u8.ToArray()));
        await WaitForAsync(count: 2);

        var entries = await Reader().ReadAsync(Query(new JournalMatch("VKS_POD_UID", "uid-new"))).ToListAsync();

        Assert.Equal(["new pod"], entries.Select(e => e.MessageText));
    }

    [Theory]
    [InlineData("--lines=1")]
    [InlineData("-n 1 --all")]
    [InlineData("x\n--all")]
    [InlineData("+")]
    [InlineData("a b \"c\" 'd' $e %f")]
    public async Task A_hostile_value_matches_exactly_the_entries_that_hold_it(string value)
    {
        Send(("MESSAGE", "hit"u8.ToArray()), ("VKS_POD_UID", Encoding.UTF8.GetBytes(value)));
        Send(("MESSAGE", "miss"u8.ToArray()), ("VKS_POD_UID", "other"u8.ToArray()));
        await WaitForAsync(count: 2);

        var entries = await Reader().ReadAsync(Query(new JournalMatch("VKS_POD_UID", value))).ToListAsync();

        Assert.Equal(["hit"], entries.Select(e => e.MessageText));
    }

    [Fact]
    public async Task Binary_and_multi_line_messages_keep_their_bytes()
    {
        byte[] binary = [.. "bad utf8 "u8, 0xff, 0xfe, .. " end"u8];
        Send(("MESSAGE", binary));
        Send(("MESSAGE", "first\nsecond"u8.ToArray()));
        await WaitForAsync(count: 2);

        var entries = await Reader().ReadAsync(Query()).ToListAsync();

        Assert.Equal(binary, entries[0].Message.ToArray());
        Assert.Equal("first\nsecond", entries[1].MessageText);
    }

    [Fact]
    public async Task Tail_takes_the_last_entries_and_since_then_drops_the_older_ones_as_the_kubelet_does()
    {
        for (var i = 1; i <= 5; i++)
        {
            Send(("MESSAGE", Encoding.UTF8.GetBytes($"line {i}")));
        }

        var all = await WaitForAsync(count: 5);
        var since = all[2].Timestamp;
        var fromSince = all.Where(e => e.Timestamp >= since).Select(e => e.MessageText).ToList();

        var tail = await Reader().ReadAsync(Query() with { Tail = 2 }).ToListAsync();
        var sinceOnly = await Reader().ReadAsync(Query() with { Since = since }).ToListAsync();
        var both = await Reader().ReadAsync(Query() with { Tail = 4, Since = since }).ToListAsync();
        var none = await Reader().ReadAsync(Query() with { Tail = 0 }).ToListAsync();

        Assert.Equal(["line 4", "line 5"], tail.Select(e => e.MessageText));
        Assert.Equal(fromSince, sinceOnly.Select(e => e.MessageText));
        Assert.Equal(fromSince.Intersect(["line 2", "line 3", "line 4", "line 5"]), both.Select(e => e.MessageText));
        Assert.Empty(none);
    }

    [Fact]
    public async Task Reading_after_a_cursor_resumes_behind_that_entry()
    {
        Send(("MESSAGE", "one"u8.ToArray()));
        Send(("MESSAGE", "two"u8.ToArray()));
        Send(("MESSAGE", "three"u8.ToArray()));
        var all = await WaitForAsync(count: 3);

        var rest = await Reader().ReadAsync(Query() with { AfterCursor = all[0].Cursor }).ToListAsync();

        Assert.Equal(["two", "three"], rest.Select(e => e.MessageText));
    }

    [Fact]
    public async Task Following_delivers_entries_logged_after_it_started()
    {
        Send(("MESSAGE", "before"u8.ToArray()));
        await WaitForAsync(count: 1);
        using var deadline = new CancellationTokenSource(StoreDeadline);
        await using var entries = Reader().ReadAsync(Query() with { Follow = true, Tail = 1 }, deadline.Token).GetAsyncEnumerator();

        Assert.True(await entries.MoveNextAsync());
        Assert.Equal("before", entries.Current.MessageText);
        var next = entries.MoveNextAsync();
        Send(("MESSAGE", "after"u8.ToArray()));

        Assert.True(await next);
        Assert.Equal("after", entries.Current.MessageText);
    }

    private JournalReader Reader() => new(_journald.JournalDirectory);

    private JournalQuery Query(params JournalMatch[] matches) => new([new JournalMatch("VKS_TEST", _test), .. matches]);

    private void Send(params (string Field, byte[] Value)[] fields)
    {
        // Native protocol, binary-safe form for every field: name, "\n", 64-bit little-endian length, bytes, "\n".
        var datagram = new List<byte>();
        foreach (var (field, value) in fields.Append(("VKS_TEST", Encoding.UTF8.GetBytes(_test))))
        {
            datagram.AddRange(Encoding.ASCII.GetBytes(field + "\n"));
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)value.Length);
            datagram.AddRange(length);
            datagram.AddRange(value);
            datagram.Add((byte)'\n');
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.SendTo(datagram.ToArray(), new UnixDomainSocketEndPoint(_journald.SocketPath));
    }

    private async Task<List<JournalEntry>> WaitForAsync(int count)
    {
        var deadline = DateTime.UtcNow + StoreDeadline;
        while (true)
        {
            var entries = await Reader().ReadAsync(Query()).ToListAsync();
            if (entries.Count >= count || DateTime.UtcNow > deadline)
            {
                Assert.Equal(count, entries.Count);
                return entries;
            }

            await Task.Delay(20);
        }
    }
}
