// Generators for strings built to break unit files: every control character, systemd's and Kubernetes' special
// characters (% $ $( " ' \ [ ] = ; #), whitespace, multi-byte Unicode and surrogate pairs, and now and then a lone
// surrogate. Strings are built from pieces so that surrogate pairs stay intact unless a lone one is chosen.
using FsCheck;
using FsCheck.Fluent;

namespace Vks.Tests.Shared;

internal static class HostileStrings
{
    private static readonly string[] ControlPieces =
        Enumerable.Range(0, 0x20).Select(c => ((char)c).ToString()).Append("\x7f").ToArray();

    private static readonly string[] SpecialPieces =
    [
        "%", "%%", "%n", "$", "$$", "${FOO}", "$FOO", "\"", "'", "\\", "\\\\", "\\n", "\\x00", "[", "]", "[Service]",
        "=", ";", "#", " ", "  ", "\t", "\r\n", "\n[Install]\nWantedBy=x\n", "-", "@", ":", "+", "!", "~", "/", "{", "}",
        "&", "|", "<", ">", "*", "?", "`", "%i", "$(", ")", "$(VALUE)", "$$(VALUE)", "\nExecStart=/bin/evil\n",
    ];

    private static readonly string[] TextPieces =
    [
        "a", "Z", "0", "9", "_", ".", "nginx", "ExecStart", "é", "ß", "中文", "\u0085", "\u00a0", "\u2028", "\ufeff",
        "😀", "\U0001F680",
    ];

    private static readonly string[] LoneSurrogates = ["\ud800", "\udfff"];

    private static Gen<string> Piece(bool withLoneSurrogates) =>
        Gen.Frequency(
            (2, Gen.Elements(ControlPieces)),
            (4, Gen.Elements(SpecialPieces)),
            (6, Gen.Elements(TextPieces)),
            (withLoneSurrogates ? 1 : 0, Gen.Elements(LoneSurrogates)));

    /// <summary>Any hostile string, including ones no unit file can hold (NUL, lone surrogates).</summary>
    public static Arbitrary<string> Any { get; } =
        Piece(withLoneSurrogates: true).ArrayOf().Select(string.Concat).ToArbitrary();

    /// <summary>Hostile strings that every quoted kind can hold: no NUL, no lone surrogates.</summary>
    public static Arbitrary<string> Representable { get; } =
        Piece(withLoneSurrogates: false).ArrayOf().Select(p => string.Concat(p).Replace("\0", "", StringComparison.Ordinal)).ToArbitrary();

    public static bool HasNulOrLoneSurrogate(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            return true;
        }

        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a plain (unquoted) value cannot be written exactly.</summary>
    public static bool UnfitForPlainValue(string value) =>
        HasNulOrLoneSurrogate(value)
        || value.Any(c => c < 0x20 || c == 0x7f)
        || value.StartsWith(' ') || value.EndsWith(' ')
        || value.EndsWith('\\');
}
