using Serilog;
using Serilog.Configuration;
using Serilog.Events;

namespace Vks.Systemd.Journal;

public static class JournaldLoggerConfigurationExtensions
{
    /// <summary>Writes events to journald as structured entries (see <see cref="JournaldSink"/>).</summary>
    /// <param name="sinkConfiguration">Logger sink configuration.</param>
    /// <param name="syslogIdentifier">SYSLOG_IDENTIFIER of every entry, e.g. "vks".</param>
    /// <param name="socketPath">journald's native socket.</param>
    /// <param name="restrictedToMinimumLevel">The minimum level for events passed to this sink.</param>
    /// <param name="formatProvider">Culture for rendering messages and property values.</param>
    public static LoggerConfiguration Journald(
        this LoggerSinkConfiguration sinkConfiguration,
        string syslogIdentifier,
        string socketPath = JournaldSink.DefaultSocketPath,
        LogEventLevel restrictedToMinimumLevel = LogEventLevel.Verbose,
        IFormatProvider? formatProvider = null)
    {
        ArgumentNullException.ThrowIfNull(sinkConfiguration);
        return sinkConfiguration.Sink(new JournaldSink(syslogIdentifier, socketPath, formatProvider), restrictedToMinimumLevel);
    }
}
