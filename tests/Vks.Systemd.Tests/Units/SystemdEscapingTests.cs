using Vks.Systemd.Units;

namespace Vks.Systemd.Tests.Units;

public sealed class SystemdEscapingTests
{
    // Inputs for the comparison with the real systemd-escape: its special cases plus hostile ones.
    private static readonly string[] UnitNameInputs =
    [
        "web", "web-7d4b9c", "default/web", "/leading/slash", ".hidden", "..", "a.b", "a..b", "x:y_z", "a b", "a\\b", "-", "@", "%i",
        "é", "中文", "😀", "tab\there", "new\nline", "[Unit]", "pod.with.dots", "UPPER", "0", "\x7f",
    ];

    [Fact]
    public async Task Unit_name_escaping_matches_systemd_escape()
    {
        var result = await SystemTool.RunAsync("systemd-escape", ["--", .. UnitNameInputs]);

        Assert.Equal(0, result.ExitCode);
        // systemd-escape prints the escaped strings separated by spaces; escaped strings never contain one.
        var expected = result.StandardOutput.TrimEnd('\n').Split(' ');
        Assert.Equal(expected, UnitNameInputs.Select(SystemdEscaping.EscapeUnitNamePart));
    }

    [Fact]
    public async Task Unit_name_unescaping_matches_systemd_escape()
    {
        var escaped = UnitNameInputs.Select(SystemdEscaping.EscapeUnitNamePart).ToArray();
        var result = await SystemTool.RunAsync("systemd-escape", ["--unescape", "--", .. escaped]);

        Assert.Equal(0, result.ExitCode);
        // The output is separated by spaces, which the inputs may contain, so compare the whole line.
        Assert.Equal(string.Join(' ', UnitNameInputs) + "\n", result.StandardOutput);
        Assert.Equal(UnitNameInputs, escaped.Select(SystemdEscaping.UnescapeUnitNamePart));
    }

    [Theory]
    [InlineData("a\\x2Fb")] // upper-case hex: systemd-escape never writes it
    [InlineData("a\\x2fb")] // "/" escaped instead of written as "-"
    [InlineData("a\\x00b")] // NUL
    [InlineData("a\\x4")]
    [InlineData("a\\y41")]
    [InlineData("a b")]
    [InlineData("\\xc3")] // half a UTF-8 sequence
    [InlineData(".hidden")]
    public void Non_canonical_escaped_names_are_rejected(string escaped) =>
        Assert.Throws<FormatException>(() => SystemdEscaping.UnescapeUnitNamePart(escaped));

    [Theory]
    [InlineData("vks-web.service", true)]
    [InlineData("vks-default-web\\x2e1.service", true)]
    [InlineData("getty@tty1.service", true)]
    [InlineData("a.socket", true)]
    [InlineData("web", false)]
    [InlineData(".service", false)]
    [InlineData("../evil.service", false)]
    [InlineData("dir/evil.service", false)]
    [InlineData("@x.service", false)]
    [InlineData("a@b@c.service", false)]
    [InlineData("a b.service", false)]
    [InlineData("é.service", false)]
    [InlineData("x.conf", false)]
    public void Unit_names_are_validated(string name, bool valid) =>
        Assert.Equal(valid, SystemdEscaping.IsValidUnitName(name));

    [Fact]
    public void Unit_names_longer_than_systemd_allows_are_invalid()
    {
        Assert.True(SystemdEscaping.IsValidUnitName(new string('a', 255 - ".service".Length) + ".service"));
        Assert.False(SystemdEscaping.IsValidUnitName(new string('a', 256 - ".service".Length) + ".service"));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("100%", "\"100%%\"")]
    [InlineData("a b", "\"a b\"")]
    [InlineData("", "\"\"")]
    [InlineData(";", "\";\"")]
    [InlineData("$HOME", "\"$$HOME\"")]
    [InlineData("say \"hi\"\\", "\"say \\\"hi\\\"\\\\\"")]
    [InlineData("line\nbreak\ttab\u0001\u007f", "\"line\\nbreak\\ttab\\x01\\x7f\"")]
    [InlineData("é", "\"é\"")]
    public void Command_arguments_are_quoted_only_when_needed(string argument, string expected) =>
        Assert.Equal("/bin/echo " + expected, SystemdEscaping.CommandLine(new ExecCommand("/bin/echo", [argument])));

    [Theory]
    [InlineData("bin/echo")] // relative
    [InlineData("-/bin/echo")] // prefix smuggled in
    [InlineData("@/bin/echo")]
    [InlineData("+/bin/echo")]
    [InlineData("!/bin/echo")]
    [InlineData(":/bin/echo")]
    [InlineData("/bin/")]
    [InlineData("/bin/\"echo")]
    [InlineData("/bin/ech\\o")]
    [InlineData("/bin/$ECHO")]
    [InlineData("/bin/echo\n")]
    [InlineData("")]
    public void Executables_that_systemd_would_read_differently_are_rejected(string executable) =>
        Assert.Throws<ArgumentException>(() => SystemdEscaping.CommandLine(new ExecCommand(executable, [])));

    [Fact]
    public void Executables_may_contain_spaces_and_percent_signs() =>
        Assert.Equal("-\"/opt/my app/100%%\" x", SystemdEscaping.CommandLine(new ExecCommand("/opt/my app/100%", ["x"], IgnoreFailure: true)));

    [Theory]
    [InlineData("-bad")]
    [InlineData("1ABC")]
    [InlineData("A=B")]
    [InlineData("my.var")]
    [InlineData("")]
    [InlineData("A B")]
    public void Environment_names_systemd_refuses_are_rejected(string name) =>
        Assert.Throws<ArgumentException>(() => SystemdEscaping.EnvironmentAssignment(name, "value"));

    [Fact]
    public void Environment_values_escape_specifiers_but_not_dollars() =>
        Assert.Equal("\"PATH=$PATH:/opt/100%%\"", SystemdEscaping.EnvironmentAssignment("PATH", "$PATH:/opt/100%"));

    [Theory]
    [InlineData(" leading")]
    [InlineData("trailing ")]
    [InlineData("ends with \\")]
    [InlineData("new\nline")]
    [InlineData("carriage\rreturn")]
    [InlineData("nul\0")]
    public void Plain_values_that_cannot_be_written_exactly_are_rejected(string value) =>
        Assert.Throws<ArgumentException>(() => SystemdEscaping.PlainValue(value));

    [Fact]
    public void Lone_surrogates_are_rejected_in_every_kind()
    {
        // Built in code: xunit would replace a lone surrogate in [InlineData] while serialising it.
        var lone = "a" + (char)0xd800 + "b";

        Assert.Throws<ArgumentException>(() => SystemdEscaping.PlainValue(lone));
        Assert.Throws<ArgumentException>(() => SystemdEscaping.Word(lone));
        Assert.Throws<ArgumentException>(() => SystemdEscaping.EnvironmentAssignment("A", lone));
        Assert.Throws<ArgumentException>(() => SystemdEscaping.CommandLine(new ExecCommand("/bin/echo", [lone])));
        Assert.Throws<ArgumentException>(() => SystemdEscaping.EscapeUnitNamePart(lone));
        Assert.Throws<ArgumentException>(() => new UnitDirective("Description", lone));
    }

    [Fact]
    public void Paths_must_be_absolute()
    {
        Assert.Throws<ArgumentException>(() => SystemdEscaping.AbsolutePath("-/var/lib"));
        Assert.Throws<ArgumentException>(() => SystemdEscaping.AbsolutePath("~"));
        Assert.Equal("/var/lib/100%%", SystemdEscaping.AbsolutePath("/var/lib/100%"));
    }

    [Theory]
    [InlineData("\"unterminated")]
    [InlineData("trailing\\")]
    [InlineData("\"\\q\"")]
    [InlineData("\"\\x00\"")]
    [InlineData("\"\\xff\"")]
    [InlineData("%n")]
    [InlineData("two words")]
    public void Words_vks_never_writes_are_rejected(string raw) =>
        Assert.Throws<FormatException>(() => SystemdEscaping.ParseWord(raw));

    [Fact]
    public void Words_follow_systemds_unquoting_rules() =>
        Assert.Equal("a b'c\"d\\e f", SystemdEscaping.ParseWord("a\\s\"b'c\"'\"d'\\\\e\\x20f"));

    [Fact]
    public void Lone_variable_references_are_not_read_back_as_literal_text() =>
        Assert.Throws<FormatException>(() => SystemdEscaping.ParseCommandLine("/bin/echo $HOME"));
}
