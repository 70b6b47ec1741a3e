namespace Vks.E2E.Testbed;

public static class Eventually
{
    /// <summary>
    /// Reads until <paramref name="done"/> holds or the deadline passes, and returns the last
    /// reading either way: the caller asserts on it, so a miss fails with what was seen.
    /// </summary>
    public static async Task<T> ReadUntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow >= until)
            {
                return value;
            }
            await Task.Delay(200);
        }
    }
}
