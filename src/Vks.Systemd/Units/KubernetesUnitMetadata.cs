// The [X-Kubernetes] section: which pod and container a unit runs. vks reads this back (after a restart, or
// when listing /run/systemd/system) to learn what it manages; identity is never parsed out of the unit
// name, since pod names may contain dots and escaped characters. systemd ignores X- sections.
namespace Vks.Systemd.Units;

public sealed record KubernetesUnitMetadata(
    string Namespace,
    string PodName,
    string PodUid,
    string ContainerName,
    bool IsInitContainer,
    string Image)
{
    public const string SectionName = "X-Kubernetes";

    private const string NamespaceKey = "Namespace";
    private const string PodNameKey = "PodName";
    private const string PodUidKey = "PodUID";
    private const string ContainerNameKey = "ContainerName";
    private const string InitContainerKey = "InitContainer";
    private const string ImageKey = "Image";

    public UnitSection ToSection() =>
        new(SectionName,
        [
            UnitDirective.Word(NamespaceKey, Namespace),
            UnitDirective.Word(PodNameKey, PodName),
            UnitDirective.Word(PodUidKey, PodUid),
            UnitDirective.Word(ContainerNameKey, ContainerName),
            new UnitDirective(InitContainerKey, IsInitContainer ? "yes" : "no"),
            UnitDirective.Word(ImageKey, Image),
        ]);

    /// <summary>
    /// The metadata of <paramref name="unit"/>, or null when it has no [X-Kubernetes] section (not a vks unit).
    /// A section with a missing or repeated key is a FormatException. Unknown keys are ignored so that a
    /// section written by a newer vks still reads after a rollback.
    /// </summary>
    public static KubernetesUnitMetadata? FromUnitFile(UnitFile unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        var section = unit.FindSection(SectionName);
        if (section is null)
        {
            return null;
        }

        var initContainer = Single(section, InitContainerKey) switch
        {
            "yes" => true,
            "no" => false,
            var other => throw new FormatException($"[{SectionName}] {InitContainerKey}={other} is neither yes nor no."),
        };

        return new KubernetesUnitMetadata(
            SystemdEscaping.ParseWord(Single(section, NamespaceKey)),
            SystemdEscaping.ParseWord(Single(section, PodNameKey)),
            SystemdEscaping.ParseWord(Single(section, PodUidKey)),
            SystemdEscaping.ParseWord(Single(section, ContainerNameKey)),
            initContainer,
            SystemdEscaping.ParseWord(Single(section, ImageKey)));
    }

    private static string Single(UnitSection section, string key)
    {
        var values = section.ValuesOf(key).Take(2).ToArray();
        return values.Length switch
        {
            1 => values[0],
            0 => throw new FormatException($"[{SectionName}] has no {key}=."),
            _ => throw new FormatException($"[{SectionName}] has more than one {key}=."),
        };
    }
}
