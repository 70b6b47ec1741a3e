using System.Globalization;

namespace Vks.Bench;

/// <summary>"--name value" options of a benchmark subcommand.</summary>
internal sealed class BenchArguments
{
    private readonly Dictionary<string, string> _values;

    private BenchArguments(Dictionary<string, string> values) => _values = values;

    public static BenchArguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected '--name value', got '{string.Join(' ', args[i..])}'.");
            }

            values[args[i][2..]] = args[i + 1];
        }

        return new BenchArguments(values);
    }

    public string? GetString(string name) => _values.GetValueOrDefault(name);

    public double GetDouble(string name, double defaultValue) =>
        _values.TryGetValue(name, out string? value) ? double.Parse(value, CultureInfo.InvariantCulture) : defaultValue;
}
