// Where the daemon's logs go: journald (structured entries, through the Vks.Systemd sink) when systemd runs vks,
// the console otherwise. systemd sets $JOURNAL_STREAM when stdout/stderr go to the journal and $INVOCATION_ID
// for every service it starts.
using Serilog;
using Serilog.Events;
using Vks.Systemd.Journal;

namespace Vks.App.Daemon;

internal static class DaemonLogging
{
    public const string SyslogIdentifier = "vks";

    public static bool RunsUnderSystemd(Func<string, string?> environment) =>
        !string.IsNullOrEmpty(environment("JOURNAL_STREAM")) || !string.IsNullOrEmpty(environment("INVOCATION_ID"));

    public static Serilog.Core.Logger CreateLogger(bool underSystemd)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Information()
            // The generic host's lifetime lines say nothing an operator needs; vks logs its own start and stop.
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .Enrich.FromLogContext();
        return underSystemd
            ? configuration.WriteTo.Journald(SyslogIdentifier).CreateLogger()
            : configuration.WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture).CreateLogger();
    }
}
