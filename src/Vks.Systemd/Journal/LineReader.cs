namespace Vks.Systemd.Journal;

/// <summary>
/// Reads "\n"-terminated lines of bytes from a stream without ever holding more than
/// <c>maxLineBytes</c> of one line: longer lines are skipped whole. An unterminated last line is dropped
/// (journalctl terminates every line; a partial one means it was killed mid-write).
/// </summary>
internal sealed class LineReader(Stream stream, int maxLineBytes)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly MemoryStream _line = new();
    private int _start;
    private int _end;
    private bool _skipping;

    /// <summary>The next line without its "\n", or null at the end of the stream.</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var keep = !_skipping && _line.Length + (newline - _start) <= maxLineBytes;
                _line.Write(_buffer, _start, keep ? newline - _start : 0);
                var line = keep ? _line.ToArray() : null;
                _line.SetLength(0);
                _skipping = false;
                _start = newline + 1;
                if (line is not null)
                {
                    return line;
                }

                continue;
            }

            if (!_skipping)
            {
                if (_line.Length + (_end - _start) > maxLineBytes)
                {
                    _skipping = true;
                    _line.SetLength(0);
                }
                else
                {
                    _line.Write(_buffer, _start, _end - _start);
                }
            }

            _start = 0;
            _end = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
            if (_end == 0)
            {
                return null;
            }
        }
    }
}
