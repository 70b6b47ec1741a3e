// What to read from the journal: the entries matching every term in Matches (journalctl ANDs terms on different
// fields), optionally cut to a run, a time, the last N entries, or resumed after a cursor; and whether to keep
// following new entries.
namespace Vks.Systemd.Journal;

public sealed record JournalQuery
{
    /// <summary>The entries of one unit's processes (_SYSTEMD_UNIT=).</summary>
    public JournalQuery(string unitName)
        : this([JournalMatch.Unit(unitName)])
    {
    }

    /// <param name="matches">At least one term: a query without any would read the whole journal.</param>
    public JournalQuery(IReadOnlyList<JournalMatch> matches)
    {
        ArgumentNullException.ThrowIfNull(matches);
        if (matches.Count == 0)
        {
            throw new ArgumentException("A journal query needs at least one match.", nameof(matches));
        }

        Matches = matches;
    }

    public IReadOnlyList<JournalMatch> Matches { get; }

    /// <summary>Only entries of this run of the unit (32 hex digits, as systemd prints an InvocationID).</summary>
    public string? InvocationId { get; init; }

    /// <summary>Only the last N entries (kubectl logs --tail); with <see cref="Since"/>, the last N and of those the
    /// ones from that time on, as the kubelet does.</summary>
    public int? Tail { get; init; }

    /// <summary>Only entries from this time on (kubectl logs --since / --since-time).</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only entries after this one (a <see cref="JournalEntry.Cursor"/>): resumes an earlier read.</summary>
    public string? AfterCursor { get; init; }

    /// <summary>Keep reading new entries until cancelled (kubectl logs -f).</summary>
    public bool Follow { get; init; }
}
