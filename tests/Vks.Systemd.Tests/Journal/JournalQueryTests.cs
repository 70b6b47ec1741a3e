// The command lines journalctl gets for a query and for the run lookup, and how the run lookup reads its output.
// Hostile match values must stay one "FIELD=value" argument after "--"; hostile field names are refused.
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Vks.Systemd.Journal;

namespace Vks.Systemd.Tests.Journal;

public sealed class JournalQueryTests
{
    [Fact]
    public void Matches_are_anded_after_the_option_terminator_and_a_cursor_resumes_the_read()
    {
        var query = new JournalQuery([JournalMatch.Unit("vks.default.web.app.service"), new JournalMatch("VKS_POD_UID", "-n 5 --all")])
        {
            InvocationId = "0A1B2C3D4E5F60718293A4B5C6D7E8F9",
            AfterCursor = "s=1;i=2",
        };

        Assert.Equal(
            [
                "--output=json", "--all", "--output-fields=MESSAGE,PRIORITY,_SYSTEMD_INVOCATION_ID", "--no-pager", "--quiet",
                "--after-cursor=s=1;i=2",
                "--", "_SYSTEMD_UNIT=vks.default.web.app.service", "VKS_POD_UID=-n 5 --all", "_SYSTEMD_INVOCATION_ID=0a1b2c3d4e5f60718293a4b5c6d7e8f9",
            ],
            JournalReader.BuildArguments(query, directory: null));
    }

    [Fact]
    public void A_query_without_matches_is_refused_it_would_read_the_whole_journal() =>
        Assert.Throws<ArgumentException>(() => new JournalQuery([]));

    [Theory]
    [InlineData("")]
    [InlineData("vks_pod_uid")]
    [InlineData("1FIELD")]
    [InlineData("-FIELD")]
    [InlineData("FIELD=X")]
    [InlineData("FIELD X")]
    [InlineData("+")]
    [InlineData("/usr/bin/evil")]
    [InlineData("A_FIELD_NAME_THAT_IS_LONGER_THAN_SIXTY_FOUR_CHARACTERS_WHICH_JOURNALD_REFUSES")]
    public void Field_names_journald_would_not_accept_are_refused(string field) =>
        Assert.Throws<ArgumentException>(() => new JournalMatch(field, "x"));

    [Property(MaxTest = 300)]
    public Property Any_value_without_NUL_stays_one_match_argument() =>
        Prop.ForAll(HostileStrings.Any, value =>
        {
            if (value.Contains('\0', StringComparison.Ordinal))
            {
                Assert.Throws<ArgumentException>(() => new JournalMatch("VKS_POD_UID", value));
                return;
            }

            var arguments = JournalReader.BuildArguments(new JournalQuery([new JournalMatch("VKS_POD_UID", value)]), directory: null);

            Assert.Equal(["--", "VKS_POD_UID=" + value], arguments.Skip(arguments.Count - 2));
            Assert.Single(arguments, a => a == "--");
        });

    [Fact]
    public void The_run_lookup_ors_the_units_own_entries_with_pid_1s_messages_about_it() =>
        Assert.Equal(
            [
                "--output=json", "--output-fields=_PID,INVOCATION_ID,_SYSTEMD_INVOCATION_ID", "--reverse", "--no-pager", "--quiet",
                "--directory=/var/log/journal/x",
                "--", "_SYSTEMD_UNIT=vks.a.b.c.service", "VKS_POD_UID=u-1", "+", "_PID=1", "UNIT=vks.a.b.c.service",
            ],
            JournalReader.BuildRunArguments("vks.a.b.c.service", [new JournalMatch("VKS_POD_UID", "u-1")], "/var/log/journal/x"));

    [Theory]
    [InlineData("--all")]
    [InlineData("a.service + _PID=1")]
    [InlineData("")]
    public void The_run_lookup_refuses_hostile_unit_names(string unit) =>
        Assert.Throws<ArgumentException>(() => JournalReader.BuildRunArguments(unit, [], directory: null));

    [Theory]
    // pid 1's message about a run names it in INVOCATION_ID.
    [InlineData("""{"_PID":"1","INVOCATION_ID":"7DD764C3FB3C4C638B1CB6815DD24022","__CURSOR":"c"}""", "7dd764c3fb3c4c638b1cb6815dd24022")]
    // A process of the unit: journald's _SYSTEMD_INVOCATION_ID counts, a forged INVOCATION_ID does not.
    [InlineData("""{"_PID":"40","INVOCATION_ID":"00000000000000000000000000000001","_SYSTEMD_INVOCATION_ID":"25274c9b1ed4432e869a1d6160405a77"}""", "25274c9b1ed4432e869a1d6160405a77")]
    [InlineData("""{"_PID":"40","INVOCATION_ID":"00000000000000000000000000000001"}""", null)]
    [InlineData("""{"_PID":"1","INVOCATION_ID":"not-an-id"}""", null)]
    [InlineData("""{"_PID":"1"}""", null)]
    public void A_lines_run_is_taken_from_the_field_its_sender_cannot_forge(string line, string? run) =>
        Assert.Equal(run, JournalReader.RunOf(Encoding.UTF8.GetBytes(line)));
}
