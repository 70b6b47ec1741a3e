using Vks.Systemd.Units;

namespace Vks.Actors.Units;

public static class UnitFileProtocol
{
    /// <summary>A change to one unit file on behalf of the pod with <see cref="PodUid"/>; answered with one
    /// <see cref="IUnitFileAnswer"/> once systemd has reloaded.</summary>
    public interface IUnitFileRequest
    {
        string UnitName { get; }

        string PodUid { get; }
    }

    public interface IUnitFileAnswer
    {
        string UnitName { get; }
    }

    /// <summary>Writes (or replaces) the unit file; refused when the file there belongs to another pod.</summary>
    public sealed record WriteUnitFile(string UnitName, UnitFile File, string PodUid) : IUnitFileRequest;

    /// <summary>Removes the unit file if it is there; refused when it belongs to another pod.</summary>
    public sealed record RemoveUnitFile(string UnitName, string PodUid) : IUnitFileRequest;

    public sealed record UnitFileWritten(string UnitName) : IUnitFileAnswer;

    public sealed record UnitFileRemoved(string UnitName) : IUnitFileAnswer;

    /// <summary>The file's [X-Kubernetes] names another pod (a successor of the same name); it was left alone.</summary>
    public sealed record UnitFileOwnedByAnotherPod(string UnitName, string OwnerUid) : IUnitFileAnswer;

    /// <summary>The file could not be changed, or systemd could not be reloaded after the change.</summary>
    public sealed record UnitFileFailed(string UnitName, string Reason) : IUnitFileAnswer;
}
