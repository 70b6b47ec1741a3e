// Hands rendered units with hostile values to the real systemd (252 on this machine) and checks what it
// made of them: `systemd-analyze verify` must not warn (no unknown key, no unknown section, no bad setting),
// and `systemd --test` dumps the parsed unit, so the argv of each command, the environment and the
// description can be compared with what vks meant to write.
using System.Runtime.Versioning;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vks.Systemd.Units;

namespace Vks.Systemd.Tests.Units;

[SupportedOSPlatform("linux")]
public sealed class SystemdParsesRenderedUnitsTests : IDisposable
{
    private static readonly string[] HandPickedArguments =
    [
        "", " ", ";", "\\;", "a b", "\"", "'", "\\", "\\\\", "$", "$$", "$HOME", "${HOME}", "%", "%%", "%n", "%i",
        "\n", "\r", "\t", "\u0001", "\u001b[31m", "\u007f", "line\ncontinued\\", "[Service]", "\nExecStart=/bin/evil",
        "=", "#comment", "-", "@", "é", "中文", "😀", "\u2028", "x\\", "\\x41",
    ];

    private readonly DirectoryInfo _directory;

    public SystemdParsesRenderedUnitsTests()
    {
        _directory = Directory.CreateTempSubdirectory("vks-units-");
        // `systemd --test` runs as nobody below, so the directory must be readable by others.
        File.SetUnixFileMode(_directory.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Systemd_analyze_verify_accepts_a_unit_full_of_hostile_values_without_a_warning()
    {
        var unit = HostileUnit(HandPickedArguments.Concat(GeneratedArguments()).ToArray());
        await new UnitFileStore(_directory.FullName).WriteAsync("vks-hostile.service", unit);

        var result = await SystemTool.RunAsync("systemd-analyze", ["verify", "--man=no", Path.Combine(_directory.FullName, "vks-hostile.service")]);

        Assert.Equal("", result.StandardError);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Systemd_reads_every_argument_environment_value_and_description_verbatim()
    {
        var arguments = HandPickedArguments.Concat(GeneratedArguments()).ToArray();
        var unit = HostileUnit(arguments);
        await new UnitFileStore(_directory.FullName).WriteAsync("vks-hostile.service", unit);

        var dump = await DumpUnitAsync("vks-hostile.service");

        // Each ExecStartPre= carries one hostile argument between two markers.
        var commandLines = dump.Split('\n').Where(l => l.StartsWith("\t\t\tCommand Line: ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(arguments.Length + 1, commandLines.Length);
        for (var i = 0; i < arguments.Length; i++)
        {
            // Specifiers are resolved when the unit loads, "$$" only when the command runs.
            var expected = arguments[i].Replace("$", "$$", StringComparison.Ordinal);
            Assert.Equal(["/bin/echo", "<", expected, ">"], DecodeDumpedCommandLine(commandLines[i]["\t\t\tCommand Line: ".Length..]));
        }

        for (var i = 0; i < arguments.Length; i++)
        {
            Assert.Contains($"\t\tEnvironment: VALUE_{i}={arguments[i]}\n", dump, StringComparison.Ordinal);
        }

        Assert.Contains("\t\tDescription: vks \"test\" 100% [Service] \\x #1\n", dump, StringComparison.Ordinal);
    }

    private static UnitFile HostileUnit(IReadOnlyList<string> arguments) => new(
    [
        new UnitSection("Unit",
        [
            UnitDirective.Plain("Description", "vks \"test\" 100% [Service] \\x #1"),
            // Keeps `systemd --test` from needing the host's slices and targets.
            UnitDirective.Plain("DefaultDependencies", "no"),
        ]),
        new UnitSection("Service",
        [
            UnitDirective.Plain("Type", "oneshot"),
            .. arguments.Select(a => UnitDirective.Exec("ExecStartPre", new ExecCommand("/bin/echo", ["<", a, ">"], IgnoreFailure: true))),
            UnitDirective.Exec("ExecStart", new ExecCommand("/bin/true", [])),
            .. arguments.Select((a, i) => UnitDirective.Environment($"VALUE_{i}", a)),
        ]),
        new KubernetesUnitMetadata("ns\n[Service]", "pod%n", "uid", "c\"", IsInitContainer: true, "image\\").ToSection(),
    ]);

    // A fresh sample of generated hostile strings (NUL-free) on every run, so the real systemd sees those too.
    private static IEnumerable<string> GeneratedArguments() =>
        HostileStrings.Representable.Generator.Sample(30, 40);

    private async Task<string> DumpUnitAsync(string unitName)
    {
        // `systemd --test` refuses to run as root; as nobody it loads units from SYSTEMD_UNIT_PATH only.
        IEnumerable<string> command = ["/lib/systemd/systemd", "--test", "--system", "--no-pager", $"--unit={unitName}", "--log-target=console"];
        var asRoot = Environment.IsPrivilegedProcess;
        var result = asRoot
            ? await SystemTool.RunAsync("runuser", ["-u", "nobody", "--", "env", $"SYSTEMD_UNIT_PATH={_directory.FullName}", .. command])
            : await SystemTool.RunAsync(command.First(), command.Skip(1), new Dictionary<string, string> { ["SYSTEMD_UNIT_PATH"] = _directory.FullName });

        Assert.True(result.ExitCode == 0, result.StandardError + result.StandardOutput);
        // Warnings about the unit ("Unknown key ...", "Ignoring ...") name its path.
        Assert.DoesNotContain(_directory.FullName, result.StandardError, StringComparison.Ordinal);
        var start = result.StandardOutput.IndexOf($"-> Unit {unitName}:", StringComparison.Ordinal);
        Assert.True(start >= 0, result.StandardOutput);
        return result.StandardOutput[start..];
    }

    // Decodes systemd's quote_command_line(): words separated by spaces; a word in double quotes has "\" before
    // \ " ` $ and C escapes (octal when there is no letter) for control characters; other text is raw UTF-8.
    private static List<string> DecodeDumpedCommandLine(string line)
    {
        var words = new List<string>();
        var i = 0;
        while (i < line.Length)
        {
            var word = new StringBuilder();
            if (line[i] == '"')
            {
                for (i++; line[i] != '"'; i++)
                {
                    if (line[i] != '\\')
                    {
                        word.Append(line[i]);
                    }
                    else if (line[i + 1] is >= '0' and <= '7')
                    {
                        word.Append((char)Convert.ToByte(line.Substring(i + 1, 3), 8));
                        i += 3;
                    }
                    else
                    {
                        word.Append(line[i + 1] switch
                        {
                            'a' => '\a',
                            'b' => '\b',
                            'f' => '\f',
                            'n' => '\n',
                            'r' => '\r',
                            't' => '\t',
                            'v' => '\v',
                            var literal => literal,
                        });
                        i++;
                    }
                }

                i++;
            }
            else
            {
                var end = line.IndexOf(' ', i);
                end = end < 0 ? line.Length : end;
                word.Append(line[i..end]);
                i = end;
            }

            words.Add(word.ToString());
            i++; // the separating space
        }

        return words;
    }
}
