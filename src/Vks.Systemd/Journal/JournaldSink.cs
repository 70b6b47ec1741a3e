// A Serilog sink that writes each event to journald's native socket as one structured entry: PRIORITY,
// SYSLOG_IDENTIFIER, MESSAGE, EXCEPTION and one field per event property. Logging must never break vks:
// when journald is not there the event is dropped, the problem is reported once to Serilog's SelfLog,
// and sending resumes as soon as journald is back.
using System.Net;
using System.Net.Sockets;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;

namespace Vks.Systemd.Journal;

public sealed class JournaldSink : ILogEventSink, IDisposable
{
    public const string DefaultSocketPath = "/run/systemd/journal/socket";

    // libsystemd asks for an 8 MiB send buffer too; the kernel caps it at net.core.wmem_max, and entries
    // beyond the cap go through a memfd.
    private const int SendBufferBytes = 8 * 1024 * 1024;

    private readonly string _syslogIdentifier;
    private readonly string _socketPath;
    private readonly IFormatProvider? _formatProvider;
    private readonly Socket _socket;
    private readonly SocketAddress _address;
    private int _failing;

    public JournaldSink(string syslogIdentifier, string socketPath = DefaultSocketPath, IFormatProvider? formatProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(syslogIdentifier);
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        _syslogIdentifier = syslogIdentifier;
        _socketPath = socketPath;
        _formatProvider = formatProvider;
        _address = new UnixDomainSocketEndPoint(socketPath).Serialize();
        // Unconnected: every datagram is addressed, so a restarted journald is reached without reconnecting.
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _socket.SendBufferSize = SendBufferBytes;
    }

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        var entry = JournalNativeMessage.Encode(Fields(logEvent));
        try
        {
            try
            {
                _socket.SendTo(entry, SocketFlags.None, _address);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.MessageSize)
            {
                JournalMemfd.Send(_socket, _socketPath, entry);
            }

            if (Interlocked.Exchange(ref _failing, 0) == 1)
            {
                SelfLog.WriteLine("Journald sink: writing to {0} works again.", _socketPath);
            }
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            if (Interlocked.Exchange(ref _failing, 1) == 0)
            {
                SelfLog.WriteLine("Journald sink: cannot write to {0}, dropping events until it works again: {1}", _socketPath, e.Message);
            }
        }
    }

    public void Dispose() => _socket.Dispose();

    private IEnumerable<KeyValuePair<string, string>> Fields(LogEvent logEvent)
    {
        yield return new("PRIORITY", SyslogPriority(logEvent.Level));
        yield return new("SYSLOG_IDENTIFIER", _syslogIdentifier);
        yield return new("MESSAGE", logEvent.RenderMessage(_formatProvider));
        if (logEvent.Exception is { } exception)
        {
            yield return new("EXCEPTION", exception.ToString());
        }

        foreach (var (name, value) in logEvent.Properties)
        {
            if (JournalNativeMessage.SanitizeFieldName(name) is not { } field)
            {
                continue;
            }

            // A property must not pose as one of the fields above, e.g. {Message} in a template.
            if (field is "PRIORITY" or "SYSLOG_IDENTIFIER" or "MESSAGE" or "EXCEPTION")
            {
                field = "PROPERTY_" + field;
            }

            yield return new(field, value is ScalarValue { Value: string text } ? text : value.ToString(null, _formatProvider));
        }
    }

    // Serilog levels as syslog priorities (0 emerg ... 7 debug).
    private static string SyslogPriority(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => "7",
        LogEventLevel.Information => "6",
        LogEventLevel.Warning => "4",
        LogEventLevel.Error => "3",
        LogEventLevel.Fatal => "2",
        _ => "6",
    };
}
