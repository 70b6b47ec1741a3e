// The pure half of reading host facts: each function turns the captured content of one kernel or system file
// into a value, and refuses content it does not understand (FormatException) rather than guessing.
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Vks.Node.Nodes;

public static class HostFactsParser
{
    // RTF_UP in /proc/net/route's Flags column (linux/route.h).
    private const int RouteUp = 0x1;

    /// <summary>MemTotal and MemAvailable from /proc/meminfo, in bytes.</summary>
    public static (long TotalBytes, long AvailableBytes) ParseMemInfo(string meminfo)
    {
        ArgumentNullException.ThrowIfNull(meminfo);
        long? total = null, available = null;
        foreach (var line in meminfo.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var key = line[..colon];
            if (key is "MemTotal" or "MemAvailable")
            {
                var fields = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length != 2 || fields[1] != "kB" || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kibibytes))
                {
                    throw new FormatException($"/proc/meminfo line '{line}' is not 'Key: N kB'.");
                }

                if (key == "MemTotal")
                {
                    total = checked(kibibytes * 1024);
                }
                else
                {
                    available = checked(kibibytes * 1024);
                }
            }
        }

        return (total ?? throw new FormatException("/proc/meminfo has no MemTotal."),
            available ?? throw new FormatException("/proc/meminfo has no MemAvailable."));
    }

    /// <summary>The number of CPUs in a kernel CPU list such as /sys/devices/system/cpu/online ("0-3,6,8-9").</summary>
    public static int CountCpus(string cpuList)
    {
        ArgumentNullException.ThrowIfNull(cpuList);
        var count = 0;
        foreach (var range in cpuList.Trim().Split(','))
        {
            var dash = range.IndexOf('-', StringComparison.Ordinal);
            var first = ParseCpu(dash < 0 ? range : range[..dash], cpuList);
            var last = dash < 0 ? first : ParseCpu(range[(dash + 1)..], cpuList);
            if (last < first)
            {
                throw new FormatException($"'{cpuList}' has a descending range.");
            }

            count = checked(count + (last - first + 1));
        }

        return count;
    }

    /// <summary>PRETTY_NAME from os-release(5) content, unquoted; null when it has none.</summary>
    public static string? ParseOsReleasePrettyName(string osRelease)
    {
        ArgumentNullException.ThrowIfNull(osRelease);
        string? prettyName = null;
        foreach (var line in osRelease.Split('\n'))
        {
            if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
            {
                prettyName = UnquoteShellValue(line["PRETTY_NAME=".Length..].TrimEnd('\r'));
            }
        }

        return prettyName;
    }

    /// <summary>
    /// The interface of the IPv4 default route in /proc/net/route (destination and mask 0, route up), the one with
    /// the lowest metric; null when there is none.
    /// </summary>
    public static string? ParseDefaultRouteInterface(string procNetRoute)
    {
        ArgumentNullException.ThrowIfNull(procNetRoute);
        string? best = null;
        var bestMetric = long.MaxValue;
        foreach (var line in procNetRoute.Split('\n').Skip(1))
        {
            var fields = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            // Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT
            if (fields.Length < 8
                || !int.TryParse(fields[3], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var flags)
                || !long.TryParse(fields[6], NumberStyles.None, CultureInfo.InvariantCulture, out var metric))
            {
                throw new FormatException($"/proc/net/route line '{line}' is not a route.");
            }

            if (fields[1] == "00000000" && fields[7] == "00000000" && (flags & RouteUp) != 0 && metric < bestMetric)
            {
                best = fields[0];
                bestMetric = metric;
            }
        }

        return best;
    }

    /// <summary>The number of processes and threads, from /proc/loadavg's fourth field ("running/total").</summary>
    public static long ParseRunningTasks(string loadavg)
    {
        ArgumentNullException.ThrowIfNull(loadavg);
        var fields = loadavg.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var slash = fields.Length >= 4 ? fields[3].IndexOf('/', StringComparison.Ordinal) : -1;
        if (slash < 0 || !long.TryParse(fields[3].AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total))
        {
            throw new FormatException($"/proc/loadavg '{loadavg.Trim()}' has no running/total field.");
        }

        return total;
    }

    /// <summary>A file holding one non-negative number, such as /proc/sys/kernel/pid_max.</summary>
    public static long ParseNumber(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return long.TryParse(content.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"'{content.Trim()}' is not a number.");
    }

    /// <summary>/etc/machine-id: 32 lower-case hex digits.</summary>
    public static string ParseMachineId(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var id = content.Trim();
        return id.Length == 32 && id.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c))
            ? id
            : throw new FormatException($"'{id}' is not a machine ID (32 lower-case hex digits).");
    }

    /// <summary>/proc/sys/kernel/random/boot_id: a UUID.</summary>
    public static string ParseBootId(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var id = content.Trim();
        return Guid.TryParseExact(id, "D", out _) ? id : throw new FormatException($"'{id}' is not a boot ID (a UUID).");
    }

    /// <summary>The host name as kubelet uses it: trimmed and lower case.</summary>
    public static string ParseHostname(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var hostname = content.Trim().ToLowerInvariant();
        return hostname.Length > 0 ? hostname : throw new FormatException("The host name is empty.");
    }

    /// <summary>A single-line kernel value such as /proc/sys/kernel/osrelease.</summary>
    public static string ParseLine(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var line = content.Trim();
        return line.Length > 0 && !line.Contains('\n', StringComparison.Ordinal)
            ? line
            : throw new FormatException($"'{line}' is not a single non-empty line.");
    }

    /// <summary>The architecture as Kubernetes (GOARCH) names it, for kubernetes.io/arch and nodeInfo.</summary>
    public static string GoArchitecture(Architecture architecture) => architecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "arm",
        Architecture.X86 => "386",
        Architecture.S390x => "s390x",
        Architecture.Ppc64le => "ppc64le",
        Architecture.RiscV64 => "riscv64",
        Architecture.LoongArch64 => "loong64",
        _ => architecture.ToString().ToLowerInvariant(),
    };

    private static int ParseCpu(string text, string cpuList) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var cpu)
            ? cpu
            : throw new FormatException($"'{cpuList}' is not a CPU list.");

    // os-release values are shell words: optionally in single or double quotes, with backslash escapes of
    // \" \\ \$ \` inside double quotes.
    private static string UnquoteShellValue(string value)
    {
        if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'')
        {
            return value[1..^1];
        }

        if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
        {
            return value;
        }

        var text = new StringBuilder(value.Length);
        for (var i = 1; i < value.Length - 1; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length - 1 && value[i + 1] is '"' or '\\' or '$' or '`')
            {
                i++;
            }

            text.Append(value[i]);
        }

        return text.ToString();
    }
}
