namespace Vks.Systemd.Units;

/// <summary>
/// One command of ExecStart=, ExecStartPre=, ExecStop=... Arguments are argv[1..], each passed to the process
/// verbatim (see <see cref="SystemdEscaping.CommandLine"/>).
/// </summary>
/// <param name="Executable">Absolute path of the program; systemd also passes it as argv[0].</param>
/// <param name="Arguments">The arguments after argv[0].</param>
/// <param name="IgnoreFailure">Writes the "-" prefix: a non-zero exit of this command is not a unit failure.</param>
public sealed record ExecCommand(string Executable, IReadOnlyList<string> Arguments, bool IgnoreFailure = false);
