using Vks.Systemd.Units;

namespace Vks.Systemd.Tests.Units;

public sealed class UnitFileParserTests
{
    [Fact]
    public void Comments_blank_lines_and_whitespace_around_the_equals_sign_are_skipped()
    {
        var parsed = UnitFile.Parse("\uFEFF# header\n\n[Unit]\n  ; note\n  Description =  two  words \t\r\n[Service]\r\nType=exec\n");

        Assert.Equal(["Unit", "Service"], parsed.Sections.Select(s => s.Name));
        Assert.Equal([new UnitDirective("Description", "two  words")], parsed.Sections[0].Directives);
        Assert.Equal([new UnitDirective("Type", "exec")], parsed.Sections[1].Directives);
    }

    [Fact]
    public void A_trailing_backslash_continues_the_line_and_skips_comment_lines_like_systemd()
    {
        // Same input as checked against systemd 252 (`systemd --test` printed "Description: a    b").
        var parsed = UnitFile.Parse("[Unit]\nDescription=a \\\n# comment\n  b\nAfter=x.target\n");

        Assert.Equal([new UnitDirective("Description", "a    b"), new UnitDirective("After", "x.target")], parsed.Sections[0].Directives);
    }

    [Fact]
    public void An_escaped_backslash_at_the_end_is_not_a_continuation()
    {
        // "x\\" ends in a paired backslash, so the next line stands alone; the value itself is then refused
        // because vks never writes a value ending in a backslash.
        var error = Assert.Throws<FormatException>(() => UnitFile.Parse("[Unit]\nDescription=x\\\\\nAfter=y\n"));
        Assert.Contains("Line 2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Description=x\n", "outside of any section")]
    [InlineData("[Unit]\nDescription\n", "missing '='")]
    [InlineData("[Unit\nDescription=x\n", "invalid section header")]
    [InlineData("[Un it]\n", "section name")]
    [InlineData("[Unit]\n[Unit]\n", "more than once")]
    [InlineData("[Unit]\nDescription=a\\\n", "continuation")]
    [InlineData("[Unit]\nDescription=a\0b\n", "control character")]
    [InlineData("[Unit]\nDescription=a\rb\n", "control character")]
    [InlineData("[Unit]\nDe scription=a\n", "directive name")]
    public void Text_vks_would_never_write_is_rejected(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => UnitFile.Parse(text));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_directives_keep_their_order()
    {
        var parsed = UnitFile.Parse("[Service]\nExecStartPre=/bin/a\nEnvironment=A=1\nExecStartPre=/bin/b\nEnvironment=B=2\n");

        Assert.Equal(["/bin/a", "/bin/b"], parsed.Sections[0].ValuesOf("ExecStartPre"));
        Assert.Equal(["A=1", "B=2"], parsed.Sections[0].ValuesOf("Environment"));
    }
}
