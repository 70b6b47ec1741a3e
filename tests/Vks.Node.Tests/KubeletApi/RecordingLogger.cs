using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Vks.Node.Tests.KubeletApi;

/// <summary>A logger whose lines a test can wait for: a log line is where the code under test says it reached a state.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Writer.TryWrite(formatter(state, exception));

    /// <summary>The next line containing <paramref name="text"/>, skipping others (a hang guard, not a measurement).</summary>
    public async Task<string> NextContainingAsync(string text)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var line = await _lines.Reader.ReadAsync(guard.Token);
            if (line.Contains(text, StringComparison.Ordinal))
            {
                return line;
            }
        }
    }
}
