// The human-readable form of `vks debug dump`: the actor tree, one line per actor, indented by depth. A pure
// function of the dump, so the same dump always reads the same.
using System.Globalization;
using System.Text;
using Vks.Actors.Debug;

namespace Vks.App.Debug;

internal static class DumpRenderer
{
    public static string Render(DumpProtocol.NodeDump node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var text = new StringBuilder();
        Line(text, 0, $"node {node.NodeName}  state={node.State}  uid={node.NodeUid ?? "-"}");
        Line(text, 1, $"lease renewed {Time(node.LeaseRenewedAt)}{(node.LeaseAge is { } age ? $" ({Duration(age)} ago)" : "")}");
        Line(text, 1, $"status patched {Time(node.StatusPatchedAt)}");
        Line(text, 1, $"watch resourceVersion={node.WatchResourceVersion ?? "-"}{(node.WatchTrouble is { } trouble ? $"  trouble: {trouble}" : "")}");
        if (node.KubeletApi is { } kubeletApi)
        {
            Line(text, 1, $"kubelet API {kubeletApi}");
        }
        Unanswered(text, 1, node.Unanswered);

        Line(text, 0, $"pods ({node.Pods.Count})");
        foreach (var pod in node.Pods)
        {
            Line(text, 1, $"{pod.Namespace}/{pod.Name}  uid={pod.Uid}  state={pod.State}  phase={pod.Phase ?? "-"}  generation={pod.Generation?.ToString(CultureInfo.InvariantCulture) ?? "-"}");
            foreach (var unit in pod.Units)
            {
                Line(text, 2, $"{(unit.InitContainer ? "init " : "")}{unit.Container}  image={unit.Image}  state={unit.State}");
                Line(text, 3, $"{unit.UnitName}  {unit.ActiveState ?? "-"}/{unit.SubState ?? "-"}  restarts={unit.Restarts.ToString(CultureInfo.InvariantCulture)}"
                              + $"  last signal {Time(unit.LastSignalAt)}  RestartSec={(unit.RestartDelay is { } delay ? Duration(delay) : "-")}");
            }
            Unanswered(text, 2, pod.Unanswered);
        }

        if (node.Packages is not { } packages)
        {
            Line(text, 0, "packages: no answer");
            return text.ToString();
        }

        Line(text, 0, $"packages  last index refresh {Time(packages.LastIndexRefresh)}");
        Line(text, 1, packages.Current is { } current ? "current " + Job(current) : "current: none");
        foreach (var job in packages.Queued)
        {
            Line(text, 1, "queued " + Job(job));
        }
        return text.ToString();
    }

    private static string Job(DumpProtocol.PackageJobDump job) =>
        $"{job.Image}  policy={job.Policy}  waiters={job.Waiters.ToString(CultureInfo.InvariantCulture)}  queued at {Time(job.QueuedAt)}"
        + (job.StartedAt is { } started ? $"  started at {Time(started)}" : "")
        + (job.Installing ? "  installing" : "");

    private static void Unanswered(StringBuilder text, int depth, IReadOnlyList<string> unanswered)
    {
        if (unanswered.Count > 0)
        {
            Line(text, depth, $"did not answer: {string.Join(", ", unanswered)}");
        }
    }

    // Images, reasons and apt lines come from outside: a control character must not reach the terminal.
    private static void Line(StringBuilder text, int depth, string line)
    {
        text.Append(' ', depth * 2);
        foreach (var c in line)
        {
            text.Append(char.IsControl(c) ? '?' : c);
        }
        text.Append('\n');
    }

    private static string Time(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "never";

    private static string Duration(TimeSpan duration) =>
        duration.TotalSeconds < 60 ? duration.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + "s"
        : duration.TotalHours < 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes}m{duration.Seconds}s")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours}h{duration.Minutes}m");
}
