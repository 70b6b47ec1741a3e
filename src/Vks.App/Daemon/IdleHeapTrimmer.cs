// Gives the memory of a burst back once vks is quiet again. The GC keeps the heap regions a burst grew (200 pods
// starting allocate hundreds of MB in short-lived objects), and an idle vks allocates too little for later GCs to
// decommit them: measured, RSS stayed 35 MB above what one full GC leaves (268 -> 234 MB after 400 pods). So every
// half minute this looks at what was allocated: once a burst (TrimAfterAllocated since the last trim) has been
// followed by a quiet interval (less than QuietAllocated), one compacting, decommitting collection runs. A steady
// vks never qualifies, and one that stays busy is left alone until it is quiet. Start-up (loading, JIT, the first
// sync) counts as a burst, so the first quiet interval after it trims too.
//
// The native heap is trimmed with it. The runtime's own allocations (the JIT's working memory, type loading, TLS
// buffers in OpenSSL) go through glibc's malloc, whose per-thread arenas keep what was freed: measured, 10 MB after
// start-up and 15 MB after the benchmark's bursts, returned by malloc_trim (docs/benchmarks.md).
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Vks.App.Daemon;

internal sealed partial class IdleHeapTrimmer(ILogger<IdleHeapTrimmer> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    /// <summary>Allocated in one interval by a vks that only renews its lease and reports its node.</summary>
    public const long QuietAllocated = 4L << 20;

    /// <summary>Allocated since the last trim that makes another worth a full collection.</summary>
    public const long TrimAfterAllocated = 64L << 20;

    /// <summary>
    /// Whether to trim now, from the allocation counter now, at the previous look, and at the last trim (null: none
    /// since start-up).
    /// </summary>
    public static bool ShouldTrim(long allocatedNow, long allocatedAtLastLook, long? allocatedAtLastTrim) =>
        allocatedNow - allocatedAtLastLook < QuietAllocated
        && (allocatedAtLastTrim is not { } lastTrim || allocatedNow - lastTrim >= TrimAfterAllocated);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        var lastLook = GC.GetTotalAllocatedBytes();
        long? lastTrim = null;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = GC.GetTotalAllocatedBytes();
                if (ShouldTrim(now, lastLook, lastTrim))
                {
                    var before = Environment.WorkingSet;
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                    MallocTrim(0);
                    LogTrimmed(logger, (now - (lastTrim ?? 0)) >> 20, before >> 20, Environment.WorkingSet >> 20);
                    lastTrim = now;
                }

                lastLook = now;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // the host is stopping
        }
    }

    // Returns the free memory of every malloc arena to the kernel; the result only says whether any was returned.
    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Quiet after {AllocatedMegabytes} MB of allocations: heap trimmed, working set {BeforeMegabytes} -> {AfterMegabytes} MB")]
    private static partial void LogTrimmed(ILogger logger, long allocatedMegabytes, long beforeMegabytes, long afterMegabytes);
}
