// The sink against a datagram socket bound by the test, standing in for journald's: the test receives
// exactly what journald would and checks it byte for byte (and, for big entries, the memfd behind the
// passed file descriptor).
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using Serilog;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Parsing;
using Vks.Systemd.Journal;

namespace Vks.Systemd.Tests.Journal;

[SupportedOSPlatform("linux")]
public sealed class JournaldSinkTests : IDisposable
{
    // A ceiling on waiting for a datagram that should already be queued; not a measurement.
    private const int ReceiveTimeoutMilliseconds = 30_000;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("vks-sink-");

    public void Dispose() => _directory.Delete(recursive: true);

    private string SocketPath => Path.Combine(_directory.FullName, "socket");

    private Socket BindJournal(string path)
    {
        var journal = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        journal.Bind(new UnixDomainSocketEndPoint(path));
        journal.ReceiveTimeout = ReceiveTimeoutMilliseconds;
        journal.ReceiveBufferSize = 4 * 1024 * 1024;
        return journal;
    }

    private static byte[] Receive(Socket journal)
    {
        var buffer = new byte[4 * 1024 * 1024];
        var length = journal.Receive(buffer);
        return buffer[..length];
    }

    private static LogEvent Event(LogEventLevel level, string template, Exception? exception, params (string Name, object Value)[] properties) =>
        new(DateTimeOffset.UnixEpoch, level, exception, new MessageTemplateParser().Parse(template),
            properties.Select(p => new LogEventProperty(p.Name, new ScalarValue(p.Value))));

    private static byte[] Field(string name, string value) => Encoding.UTF8.GetBytes($"{name}={value}\n");

    private static byte[] BinaryField(string name, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)bytes.Length);
        return [.. Encoding.ASCII.GetBytes(name + "\n"), .. length, .. bytes, (byte)'\n'];
    }

    [Fact]
    public void An_event_becomes_exactly_the_expected_native_protocol_datagram()
    {
        using var journal = BindJournal(SocketPath);
        using var sink = new JournaldSink("vks-test", SocketPath);

        sink.Emit(Event(LogEventLevel.Warning, "Pod {Pod} has {Count} containers", null,
            ("Pod", "default/web"), ("Count", 3), ("weird-name.x", "w"), ("_Hidden", "h"), ("1st", "f"),
            ("Message", "m"), ("€", "dropped"), (new string('n', 70), "long"), ("Multi", "a\nb")));

        byte[] expected =
        [
            .. Field("PRIORITY", "4"),
            .. Field("SYSLOG_IDENTIFIER", "vks-test"),
            .. Field("MESSAGE", "Pod \"default/web\" has 3 containers"),
            .. Field("POD", "default/web"),
            .. Field("COUNT", "3"),
            .. Field("WEIRD_NAME_X", "w"),
            .. Field("HIDDEN", "h"),
            .. Field("ST", "f"),
            .. Field("PROPERTY_MESSAGE", "m"),
            .. Field(new string('N', 64), "long"),
            .. BinaryField("MULTI", "a\nb"),
        ];
        Assert.Equal(expected, Receive(journal));
    }

    [Fact]
    public void Multi_line_messages_and_exceptions_use_the_binary_safe_form()
    {
        using var journal = BindJournal(SocketPath);
        using var sink = new JournaldSink("vks-test", SocketPath);
        var exception = new InvalidOperationException("boom\nsecond line");

        sink.Emit(Event(LogEventLevel.Fatal, "first\nsecond=line\n", exception));

        byte[] expected =
        [
            .. Field("PRIORITY", "2"),
            .. Field("SYSLOG_IDENTIFIER", "vks-test"),
            .. BinaryField("MESSAGE", "first\nsecond=line\n"),
            .. BinaryField("EXCEPTION", exception.ToString()),
        ];
        Assert.Equal(expected, Receive(journal));
    }

    [Theory]
    [InlineData(LogEventLevel.Verbose, "7")]
    [InlineData(LogEventLevel.Debug, "7")]
    [InlineData(LogEventLevel.Information, "6")]
    [InlineData(LogEventLevel.Warning, "4")]
    [InlineData(LogEventLevel.Error, "3")]
    [InlineData(LogEventLevel.Fatal, "2")]
    public void Levels_map_to_syslog_priorities(LogEventLevel level, string priority)
    {
        using var journal = BindJournal(SocketPath);
        using var sink = new JournaldSink("vks-test", SocketPath);

        sink.Emit(Event(level, "x", null));

        Assert.StartsWith($"PRIORITY={priority}\n", Encoding.UTF8.GetString(Receive(journal)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_logger_configuration_extension_wires_the_sink_in()
    {
        using var journal = BindJournal(SocketPath);
        using (var logger = new LoggerConfiguration().WriteTo.Journald("vks-app", SocketPath, LogEventLevel.Information).CreateLogger())
        {
            logger.Debug("filtered out");
            logger.Information("Started {Unit:l}", "vks-a.service");
        }

        Assert.Equal(
            [.. Field("PRIORITY", "6"), .. Field("SYSLOG_IDENTIFIER", "vks-app"), .. Field("MESSAGE", "Started vks-a.service"), .. Field("UNIT", "vks-a.service")],
            Receive(journal));
    }

    [Fact]
    public void Without_a_journal_socket_events_are_dropped_and_sending_resumes_once_it_appears()
    {
        using var sink = new JournaldSink("vks-test", SocketPath);

        // Neither a missing socket file nor repeated failures may reach the application.
        sink.Emit(Event(LogEventLevel.Error, "lost 1", null));
        sink.Emit(Event(LogEventLevel.Error, "lost 2", null));

        using var journal = BindJournal(SocketPath);
        sink.Emit(Event(LogEventLevel.Information, "delivered", null));

        Assert.Contains("MESSAGE=delivered\n", Encoding.UTF8.GetString(Receive(journal)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_journal_is_reported_once_not_per_event()
    {
        var report = new StringWriter();
        SelfLog.Enable(TextWriter.Synchronized(report));
        try
        {
            using var sink = new JournaldSink("vks-test", SocketPath);
            for (var i = 0; i < 5; i++)
            {
                sink.Emit(Event(LogEventLevel.Error, "lost", null));
            }

            using var journal = BindJournal(SocketPath);
            sink.Emit(Event(LogEventLevel.Information, "delivered", null));
            sink.Emit(Event(LogEventLevel.Information, "delivered", null));
        }
        finally
        {
            SelfLog.Disable();
        }

        // SelfLog is process-wide; only lines about this test's socket count.
        var lines = report.ToString().Split('\n').Where(l => l.Contains(SocketPath, StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.Contains("dropping events", lines[0], StringComparison.Ordinal);
        Assert.Contains("works again", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_socket_file_without_a_reader_drops_events_too()
    {
        // A hard link keeps the socket file after its owner closes it (.NET removes the path it bound),
        // as when journald has stopped: sending then fails with "connection refused".
        var stale = Path.Combine(_directory.FullName, "stale");
        using (BindJournal(SocketPath))
        {
            Assert.Equal(0, (await SystemTool.RunAsync("ln", [SocketPath, stale])).ExitCode);
        }

        using var sink = new JournaldSink("vks-test", stale);
        sink.Emit(Event(LogEventLevel.Error, "lost", null));
        sink.Emit(Event(LogEventLevel.Error, "lost again", null));
    }

    [Fact]
    public void Entries_too_big_for_a_datagram_are_passed_as_a_sealed_memfd()
    {
        using var journal = BindJournal(SocketPath);
        using var sink = new JournaldSink("vks-test", SocketPath);
        // Larger than any send buffer the kernel allows here (wmem_max doubled), so sendto fails with EMSGSIZE.
        var wmemMax = int.Parse(File.ReadAllText("/proc/sys/net/core/wmem_max").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var big = new string('x', (2 * wmemMax) + 1024);

        sink.Emit(Event(LogEventLevel.Information, "{Big:l}", null, ("Big", big)));

        var (payloadLength, descriptor) = ReceiveWithDescriptor(journal);
        Assert.Equal(0, payloadLength);
        Assert.True(descriptor >= 0, "no file descriptor was passed");
        try
        {
            // journald refuses a memfd that could still change under it.
            const int getSeals = 1024 + 10;
            Assert.Equal(0xf, Fcntl(descriptor, getSeals, 0));
            byte[] expected = [.. Field("PRIORITY", "6"), .. Field("SYSLOG_IDENTIFIER", "vks-test"), .. Field("MESSAGE", big), .. Field("BIG", big)];
            Assert.Equal(expected, File.ReadAllBytes($"/proc/self/fd/{descriptor}"));
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    // recvmsg with room for one SCM_RIGHTS descriptor; returns the payload length and the descriptor (or -1).
    private static (int PayloadLength, int Descriptor) ReceiveWithDescriptor(Socket journal)
    {
        const int controlLength = 64;
        var payload = Marshal.AllocHGlobal(16);
        var control = Marshal.AllocHGlobal(controlLength);
        var iov = Marshal.AllocHGlobal(Marshal.SizeOf<IoVec>());
        try
        {
            Marshal.StructureToPtr(new IoVec { Base = payload, Length = 16 }, iov, fDeleteOld: false);
            var message = new MsgHdr { Iov = iov, IovLength = 1, Control = control, ControlLength = controlLength };
            var received = RecvMsg((int)journal.Handle, ref message, 0);
            Assert.True(received >= 0, $"recvmsg failed: {Marshal.GetLastPInvokeErrorMessage()}");
            if ((int)message.ControlLength < 20 || Marshal.ReadInt32(control, 8) != 1 || Marshal.ReadInt32(control, 12) != 1)
            {
                return ((int)received, -1);
            }

            return ((int)received, Marshal.ReadInt32(control, 16));
        }
        finally
        {
            Marshal.FreeHGlobal(payload);
            Marshal.FreeHGlobal(control);
            Marshal.FreeHGlobal(iov);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public nint Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public nint Name;
        public uint NameLength;
        public nint Iov;
        public nuint IovLength;
        public nint Control;
        public nuint ControlLength;
        public int Flags;
    }

    // DllImport rather than LibraryImport: the generated code would need unsafe blocks in this project.
    [DllImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    private static extern nint RecvMsg(int socket, ref MsgHdr message, int flags);

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int Fcntl(int fd, int command, int argument);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
