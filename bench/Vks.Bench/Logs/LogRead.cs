// One timed read of a whole log, and the stream reader every scenario ends in: the clock starts before the request
// (or the process) is made, the first byte is the first successful read, the end is end of stream.
using System.Diagnostics;

namespace Vks.Bench.Logs;

/// <param name="FirstByte">From the start of the request or process to the first byte of the log.</param>
/// <param name="Total">From the start to the end of the stream.</param>
/// <param name="Chunks">How many reads returned data: how finely the sender split the log (pipe writes, HTTP
/// chunks or HTTP/2 DATA frames, TLS records), since a read returns what has arrived.</param>
internal sealed record StreamRead(TimeSpan FirstByte, TimeSpan Total, long Bytes, long Lines, long Chunks)
{
    /// <summary>Reads <paramref name="stream"/> to its end, counting bytes and "\n".</summary>
    public static async Task<StreamRead> DrainAsync(long startTimestamp, Stream stream)
    {
        byte[] buffer = new byte[64 * 1024];
        long bytes = 0;
        long lines = 0;
        long chunks = 0;
        long firstByte = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            if (bytes == 0)
            {
                firstByte = Stopwatch.GetTimestamp();
            }

            bytes += read;
            chunks++;
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        long end = Stopwatch.GetTimestamp();
        return new StreamRead(Stopwatch.GetElapsedTime(startTimestamp, bytes == 0 ? end : firstByte), Stopwatch.GetElapsedTime(startTimestamp, end), bytes, lines, chunks);
    }
}

/// <param name="Cpu">CPU seconds spent meanwhile by each process the read involves.</param>
internal sealed record LogRead(StreamRead Stream, CpuUse Cpu);
