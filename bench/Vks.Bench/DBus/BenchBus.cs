using System.Diagnostics;

namespace Vks.Bench.DBus;

/// <summary>A private dbus-daemon for the benchmark, from a temporary config (permissive policy, limits raised so
/// pipelined calls to a peer are not refused).</summary>
internal sealed class BenchBus : IAsyncDisposable
{
    private readonly string _directory;
    private readonly Process _daemon;

    private BenchBus(string directory, Process daemon, string address)
    {
        _directory = directory;
        _daemon = daemon;
        Address = address;
    }

    public string Address { get; }

    public static async Task<BenchBus> StartAsync()
    {
        string directory = Directory.CreateTempSubdirectory("vks-bench-dbus-").FullName;
        string config = Path.Combine(directory, "bus.conf");
        await File.WriteAllTextAsync(config, $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>custom</type>
              <listen>unix:path={Path.Combine(directory, "bus")}</listen>
              <auth>EXTERNAL</auth>
              <policy context="default">
                <allow send_destination="*" eavesdrop="true"/>
                <allow eavesdrop="true"/>
                <allow own="*"/>
              </policy>
              <limit name="max_replies_per_connection">100000</limit>
            </busconfig>
            """);
        var start = new ProcessStartInfo("/usr/bin/dbus-daemon")
        {
            ArgumentList = { "--config-file=" + config, "--print-address", "--nofork" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process daemon = Process.Start(start) ?? throw new InvalidOperationException("dbus-daemon did not start.");
        daemon.ErrorDataReceived += (_, _) => { }; // it warns when it cannot raise its fd limit
        daemon.BeginErrorReadLine();
        string? address = await daemon.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return new BenchBus(directory, daemon, address ?? throw new InvalidOperationException("dbus-daemon printed no address."));
    }

    public async ValueTask DisposeAsync()
    {
        _daemon.Kill();
        await _daemon.WaitForExitAsync();
        _daemon.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
