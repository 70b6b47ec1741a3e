// Writes journal entries as `kubectl logs` lines: the message bytes as logged (not re-encoded: a process may log text
// that is not UTF-8) and "\n", optionally after the entry's time and a space; at most limitBytes in all, so the last
// line may be cut, as the kubelet's limit writer does.
using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Vks.Systemd.Journal;

namespace Vks.Node.KubeletApi.Logs;

internal sealed class ContainerLogWriter(PipeWriter output, bool timestamps, long? limitBytes)
{
    // Written bytes are handed on at least this often, so memory stays bounded while journalctl keeps up.
    private const int FlushThreshold = 32 * 1024;

    private long _remaining = limitBytes ?? long.MaxValue;
    private int _unflushed;
    private bool _clientGone;

    /// <summary>The cursor of the last entry written, to resume reading after it.</summary>
    public string? LastCursor { get; private set; }

    /// <summary>False once nothing more may be written: the byte limit is reached or the client has gone.</summary>
    public bool CanWrite => _remaining > 0 && !_clientGone;

    public async ValueTask WriteAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        LastCursor = entry.Cursor;
        if (timestamps)
        {
            Put(Encoding.ASCII.GetBytes(GoFormatting.Rfc3339Nano(entry.Timestamp) + " "));
        }

        Put(entry.Message.Span);
        Put("\n"u8);
        if (_unflushed >= FlushThreshold || !CanWrite)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_unflushed == 0)
        {
            return;
        }

        _unflushed = 0;
        var result = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        _clientGone |= result.IsCompleted || result.IsCanceled;
    }

    private void Put(ReadOnlySpan<byte> bytes)
    {
        var length = (int)Math.Min(bytes.Length, _remaining);
        output.Write(bytes[..length]);
        _remaining -= length;
        _unflushed += length;
    }
}
