using Vks.Systemd.Units;

namespace Vks.Node.Pods;

/// <summary>The outcome of translating one container: a unit to write, or the reason there is none.</summary>
public abstract record UnitTranslation
{
    private protected UnitTranslation()
    {
    }
}

/// <summary>The unit file for a container, and the name to write it under.</summary>
public sealed record ContainerUnit(string UnitName, UnitFile Unit) : UnitTranslation;

/// <summary>
/// Why a container cannot become a unit. <see cref="Reason"/> is the Waiting reason for the container status
/// (<see cref="InvalidImageName"/> or <see cref="CreateContainerConfigError"/>), <see cref="Message"/> the detail.
/// </summary>
public sealed record TranslationFailure(string Reason, string Message) : UnitTranslation
{
    public const string InvalidImageName = "InvalidImageName";
    public const string CreateContainerConfigError = "CreateContainerConfigError";
}
