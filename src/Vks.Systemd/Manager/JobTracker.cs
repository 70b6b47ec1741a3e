// Correlates JobRemoved signals with the jobs vks queued, by job object path.
//
// The path of a job is only known from the reply to StartUnit (or StopUnit, RestartUnit), but replies and signals
// reach vks on different tasks: JobRemoved can be handled before the reply that names its job. So every job call
// opens a "window" before it is sent. While any window is open, JobRemoved signals of unknown jobs are kept;
// Track then finds the outcome that arrived early. A kept outcome is dropped once every window that was open when
// it arrived has closed: a call sent after a job was removed cannot be answered with that job.
// systemd merges a start into a start already queued and answers both calls with the same path, so an outcome is
// kept even when a waiter took it, and two Track calls for one path share one task.
using Vks.Systemd.DBus;

namespace Vks.Systemd.Manager;

internal sealed class JobTracker
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ObjectPath, TaskCompletionSource<JobOutcome>> _waiting = [];
    private readonly Dictionary<ObjectPath, KeptOutcome> _kept = [];

    // Open windows by ticket (tickets only grow, so the first key is the oldest), with the error that failed
    // them while open, if any.
    private readonly SortedDictionary<long, Exception?> _openWindows = [];
    private long _clock;
    private Exception? _stopReason;

    /// <summary>How many outcomes are kept for calls in flight; for tests.</summary>
    public int KeptCount
    {
        get
        {
            lock (_lock)
            {
                return _kept.Count;
            }
        }
    }

    /// <summary>Call before sending a job call; pass the ticket to <see cref="Track"/> or <see cref="CloseWindow"/>.</summary>
    /// <exception cref="InvalidOperationException">Job tracking has stopped (see <see cref="Stop"/>).</exception>
    public long OpenWindow()
    {
        lock (_lock)
        {
            if (_stopReason is not null)
            {
                throw new InvalidOperationException("Job tracking has stopped: " + _stopReason.Message, _stopReason);
            }

            long ticket = ++_clock;
            _openWindows.Add(ticket, null);
            return ticket;
        }
    }

    /// <summary>The job call returned <paramref name="job"/>: closes the window and returns the job's outcome to come
    /// (or already arrived).</summary>
    public Task<JobOutcome> Track(long ticket, ObjectPath job)
    {
        lock (_lock)
        {
            _openWindows.Remove(ticket, out Exception? failure);
            Task<JobOutcome> outcome;
            if (_kept.TryGetValue(job, out KeptOutcome kept))
            {
                outcome = Task.FromResult(kept.Outcome);
            }
            else if ((failure ?? _stopReason) is { } error)
            {
                outcome = Task.FromException<JobOutcome>(error);
            }
            else
            {
                if (!_waiting.TryGetValue(job, out TaskCompletionSource<JobOutcome>? waiter))
                {
                    waiter = new TaskCompletionSource<JobOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _waiting.Add(job, waiter);
                }

                outcome = waiter.Task;
            }

            DropUnclaimable();
            return outcome;
        }
    }

    /// <summary>The job call failed, so it queued no job.</summary>
    public void CloseWindow(long ticket)
    {
        lock (_lock)
        {
            _openWindows.Remove(ticket);
            DropUnclaimable();
        }
    }

    public void OnJobRemoved(JobOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        lock (_lock)
        {
            if (_waiting.Remove(outcome.Path, out TaskCompletionSource<JobOutcome>? waiter))
            {
                waiter.TrySetResult(outcome);
            }

            if (_openWindows.Count > 0)
            {
                _kept[outcome.Path] = new KeptOutcome(outcome, ++_clock);
            }
        }
    }

    /// <summary>JobRemoved signals may have been lost (the connection dropped): every pending job, and every job
    /// call in flight, fails with <paramref name="error"/>. Tracking goes on for later calls.</summary>
    public void FailAll(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        lock (_lock)
        {
            FailAllLocked(error);
        }
    }

    /// <summary>No JobRemoved will arrive any more: fails what is pending and refuses new windows.</summary>
    public void Stop(Exception reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        lock (_lock)
        {
            _stopReason ??= reason;
            FailAllLocked(reason);
        }
    }

    private void FailAllLocked(Exception error)
    {
        foreach (TaskCompletionSource<JobOutcome> waiter in _waiting.Values)
        {
            waiter.TrySetException(error);
        }

        _waiting.Clear();
        foreach (long ticket in _openWindows.Keys.ToArray())
        {
            _openWindows[ticket] ??= error;
        }
    }

    private void DropUnclaimable()
    {
        if (_kept.Count == 0)
        {
            return;
        }

        long oldestOpen = _openWindows.Count > 0 ? _openWindows.First().Key : long.MaxValue;
        foreach ((ObjectPath path, KeptOutcome kept) in _kept.ToArray())
        {
            if (kept.Arrival < oldestOpen)
            {
                _kept.Remove(path);
            }
        }
    }

    private readonly record struct KeptOutcome(JobOutcome Outcome, long Arrival);
}
