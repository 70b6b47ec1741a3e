// Pod spec -> systemd unit, one container at a time. A pure function: everything it needs from the host comes in
// through PodUnitContext. docs/unit-mapping.md maps each pod field to the directive it becomes; every directive
// written here carries its reason beside it.
using System.Globalization;
using k8s.Models;
using Vks.Node.Images;
using Vks.Systemd.Units;

namespace Vks.Node.Pods;

public static class PodUnitTranslator
{
    public const string ServiceHostVariable = "KUBERNETES_SERVICE_HOST";
    public const string ServicePortVariable = "KUBERNETES_SERVICE_PORT";
    public const string HostnameVariable = "HOSTNAME";

    /// <summary>The journal field that carries the pod's UID on every line of its containers (LogExtraFields=).</summary>
    public const string PodUidJournalField = "VKS_POD_UID";

    // The API server's default when a pod leaves terminationGracePeriodSeconds out.
    private const long DefaultGracePeriodSeconds = 30;

    // kubelet never gives a container less than 2 s to stop (minimumGracePeriodInSeconds); it also keeps systemd
    // from reading 0 as "no timeout".
    private const long MinimumGracePeriodSeconds = 2;

    /// <summary>
    /// Translates container <paramref name="containerName"/> (an init or app container) of <paramref name="pod"/>.
    /// Input the spec allows but vks cannot honour, or that no unit file can hold, becomes a
    /// <see cref="TranslationFailure"/> rather than an exception.
    /// </summary>
    public static UnitTranslation Translate(V1Pod pod, string containerName, PodUnitContext context)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(containerName);
        ArgumentNullException.ThrowIfNull(context);

        var spec = pod.Spec ?? throw new ArgumentException("The pod has no spec.", nameof(pod));
        var initContainer = spec.InitContainers?.FirstOrDefault(c => c.Name == containerName);
        var container = initContainer ?? spec.Containers?.FirstOrDefault(c => c.Name == containerName)
            ?? throw new ArgumentException($"The pod has no container named '{containerName}'.", nameof(containerName));
        var isInit = initContainer is not null;

        var podNamespace = pod.Metadata?.NamespaceProperty;
        var podName = pod.Metadata?.Name;
        var podUid = pod.Metadata?.Uid;
        if (string.IsNullOrEmpty(podNamespace) || string.IsNullOrEmpty(podName) || string.IsNullOrEmpty(podUid))
        {
            return ConfigError("The pod has no namespace, name or UID.");
        }

        if (!ImageReference.TryParse(container.Image, out var image, out var imageError))
        {
            return new TranslationFailure(TranslationFailure.InvalidImageName, imageError);
        }

        try
        {
            var built = Build(spec, container, isInit, image, podUid, context);
            if (built.Error is not null)
            {
                return ConfigError(built.Error);
            }

            return new ContainerUnit(
                ContainerUnitName.For(podNamespace, podName, podUid, container.Name),
                new UnitFile(
                [
                    new UnitSection("Unit",
                    [
                        UnitDirective.Plain("Description", $"Pod {podNamespace}/{podName}, container {container.Name}"),
                        // Restarts are paced by RestartSec= (the crash-loop back-off); systemd must never give up.
                        UnitDirective.Plain("StartLimitIntervalSec", "0"),
                    ]),
                    new UnitSection("Service", built.Service!),
                    new KubernetesUnitMetadata(podNamespace, podName, podUid, container.Name, isInit, container.Image).ToSection(),
                ]));
        }
        catch (ArgumentException e)
        {
            // The unit-file layer is the authority on what a unit can hold (NUL, lone surrogates, lines over 1 MiB,
            // characters systemd refuses in an executable); what it refuses is the pod's error, not vks'.
            return ConfigError($"The container cannot be written as a systemd unit: {e.Message}");
        }
    }

    private sealed record BuildResult(IReadOnlyList<UnitDirective>? Service, string? Error);

    private static BuildResult Build(V1PodSpec spec, V1Container container, bool isInit, ImageReference image, string podUid, PodUnitContext context)
    {
        if (isInit && container.RestartPolicy == "Always")
        {
            return Fail("Sidecar init containers (restartPolicy: Always) are not supported.");
        }

        // Fail closed: running the container as the package's user (or root) when the spec asks for another user
        // would be a silent security downgrade.
        var podSecurity = spec.SecurityContext;
        var containerSecurity = container.SecurityContext;
        // runAsNonRoot: false asks for nothing vks does not already do.
        if (podSecurity?.RunAsUser is not null || podSecurity?.RunAsGroup is not null || podSecurity?.RunAsNonRoot == true
            || containerSecurity?.RunAsUser is not null || containerSecurity?.RunAsGroup is not null || containerSecurity?.RunAsNonRoot == true)
        {
            return Fail("securityContext runAsUser/runAsGroup/runAsNonRoot is not supported by vks yet; the container would run as the package unit's user (root when it names none).");
        }

        if (container.EnvFrom is { Count: > 0 })
        {
            return Fail("envFrom is not supported yet.");
        }

        // kubelet's order: service variables first, then the container's env, each value expanded against the
        // variables defined before it.
        var serviceEnvironment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ServiceHostVariable] = context.ApiServerHost,
            [ServicePortVariable] = context.ApiServerPort.ToString(CultureInfo.InvariantCulture),
        };
        // Ordered: the unit lists variables in the order the pod defines them (a redefinition keeps its place).
        var containerEnvironment = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        string? Lookup(string name) =>
            containerEnvironment.TryGetValue(name, out var value) || serviceEnvironment.TryGetValue(name, out value) ? value : null;

        foreach (var variable in container.Env ?? [])
        {
            if (variable.ValueFrom is not null)
            {
                return Fail($"env valueFrom is not supported yet (variable '{variable.Name}').");
            }

            if (variable.Name is null || !SystemdEscaping.IsValidEnvironmentName(variable.Name))
            {
                return Fail($"The environment variable name '{variable.Name}' is not one systemd accepts (letters, digits and '_', not starting with a digit).");
            }

            containerEnvironment[variable.Name] = KubernetesExpansion.Expand(variable.Value ?? "", Lookup);
        }

        var command = (container.Command ?? []).Select(c => KubernetesExpansion.Expand(c, Lookup)).ToArray();
        var args = (container.Args ?? []).Select(a => KubernetesExpansion.Expand(a, Lookup)).ToArray();

        var entrypoint = Entrypoint(image, command, args, context);
        if (entrypoint.Error is not null)
        {
            return Fail(entrypoint.Error);
        }

        var serviceType = entrypoint.ServiceType!;
        var carried = entrypoint.Carried!;
        var service = new List<UnitDirective>(entrypoint.ExecStart!);
        var restart = isInit ? "no" : spec.RestartPolicy switch
        {
            "OnFailure" => "on-failure",
            "Never" => "no",
            _ => "always",
        };
        if (restart == "always" && serviceType == "oneshot")
        {
            return Fail("The package's unit is Type=oneshot, which systemd cannot restart always; use restartPolicy OnFailure or Never.");
        }

        // Raw: either "exec" or the package's own value, carried over as written.
        service.Insert(0, new UnitDirective("Type", serviceType));
        // The package's directives come first so that everything vks writes after them wins.
        service.AddRange(carried);
        // HOSTNAME and the service variables, unless the container sets them itself.
        var defaults = new Dictionary<string, string>(serviceEnvironment, StringComparer.Ordinal) { [HostnameVariable] = context.Hostname };
        foreach (var (name, value) in defaults.Where(v => !containerEnvironment.ContainsKey(v.Key)).OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            service.Add(UnitDirective.Environment(name, value));
        }

        foreach (var (name, value) in containerEnvironment)
        {
            service.Add(UnitDirective.Environment(name, value));
        }

        if (!string.IsNullOrEmpty(container.WorkingDir))
        {
            if (!container.WorkingDir.StartsWith('/'))
            {
                return Fail($"workingDir '{container.WorkingDir}' must be an absolute path.");
            }

            service.Add(UnitDirective.Path("WorkingDirectory", container.WorkingDir));
        }

        // restartPolicy; init containers never restart in systemd, the PodActor retries them in order.
        service.Add(UnitDirective.Plain("Restart", restart));
        if (restart != "no")
        {
            // The crash-loop back-off in force; vks stretches it between crashes (CrashLoopBackoff).
            service.Add(UnitDirective.Plain("RestartSec", CrashLoopBackoff.Render(context.RestartDelay)));
        }

        if (restart == "on-failure")
        {
            // Kubernetes restarts on any non-zero exit, so also on the signals systemd otherwise counts as clean.
            service.Add(UnitDirective.Plain("RestartForceExitStatus", "SIGHUP SIGINT SIGTERM SIGPIPE"));
        }
        else if (restart == "no")
        {
            // Keeps a finished unit loaded with its exit status (systemd unloads inactive units), so the status
            // survives a vks restart; a failed unit stays loaded anyway.
            service.Add(UnitDirective.Plain("RemainAfterExit", "yes"));
        }

        // Like a container stop: SIGTERM to the main process only, SIGKILL to everything left when the grace ends.
        service.Add(UnitDirective.Plain("KillMode", "mixed"));
        // terminationGracePeriodSeconds.
        service.Add(UnitDirective.Plain("TimeoutStopSec", GracePeriod(spec) + "s"));
        // The grace period is final.
        service.Add(UnitDirective.Plain("SendSIGKILL", "yes"));
        // An OOM kill stops the whole unit with Result=oom-kill, which the status reports as OOMKilled.
        service.Add(UnitDirective.Plain("OOMPolicy", "stop"));

        // The container's output is its log: into the journal, tagged with the container name.
        service.Add(UnitDirective.Plain("StandardOutput", "journal"));
        service.Add(UnitDirective.Plain("StandardError", "journal"));
        service.Add(UnitDirective.Plain("SyslogIdentifier", container.Name));
        // A pod created again under the same name gets the same unit name; its UID on every line keeps `kubectl logs`
        // from showing the old pod's lines. One word: systemd unquotes it and C-unescapes it, as Environment=.
        service.Add(UnitDirective.Word("LogExtraFields", PodUidJournalField + "=" + podUid));
        // journald's default rate limit (10,000 lines per 30 s per unit) would silently drop a chatty container's lines,
        // which a kubelet never does. A unit cannot switch it off (0 means "journald's default"), so the burst is set
        // beyond what any container writes in a second; journald's disk limits still bound the journal.
        service.Add(UnitDirective.Plain("LogRateLimitIntervalSec", "1s"));
        service.Add(UnitDirective.Plain("LogRateLimitBurst", "1000000"));
        // The kubelet API's /stats read CPUUsageNSec and MemoryCurrent. systemd keeps CPU accounting off by default on
        // cgroup v1 and hybrid hosts, and an admin's system.conf may turn memory accounting off; the pod asks for both.
        service.Add(UnitDirective.Plain("CPUAccounting", "yes"));
        service.Add(UnitDirective.Plain("MemoryAccounting", "yes"));
        return new BuildResult(service, null);
    }

    private sealed record EntrypointResult(
        IReadOnlyList<UnitDirective>? ExecStart,
        string? ServiceType,
        IReadOnlyList<UnitDirective>? Carried,
        string? Error);

    // What runs, with Kubernetes' command/args semantics: a command replaces the image's entrypoint (and nothing of
    // the package's unit is used); args alone replace the entrypoint's arguments; neither runs the image as it is.
    // A binary-path image is its own entrypoint; a package's entrypoint is its unit's ExecStart=.
    private static EntrypointResult Entrypoint(ImageReference image, string[] command, string[] args, PodUnitContext context)
    {
        // Type=exec: the unit becomes active only once the exec succeeded, so Running means the program runs.
        const string Exec = "exec";
        if (command.Length > 0)
        {
            var executable = ResolveExecutable(command[0], context, out var error);
            return executable is null
                ? new EntrypointResult(null, null, null, error)
                : new EntrypointResult([UnitDirective.Exec("ExecStart", new ExecCommand(executable, [.. command[1..], .. args]))], Exec, [], null);
        }

        if (image is BinaryPathImage binary)
        {
            return new EntrypointResult([UnitDirective.Exec("ExecStart", new ExecCommand(binary.Path, args))], Exec, [], null);
        }

        var package = ((DebianPackageImage)image).Package;
        if (context.PackageUnitFile is null)
        {
            return new EntrypointResult(null, null, null, $"The package '{package}' ships no systemd service unit, so the container needs a command.");
        }

        if (!PackageUnit.TryParse(context.PackageUnitFile, out var packageUnit, out var packageError))
        {
            return new EntrypointResult(null, null, null, packageError);
        }

        // The package's Type= says when its daemon is ready (notify, forking, ...); without one, exec as above.
        var serviceType = packageUnit.ServiceType ?? Exec;
        var carried = packageUnit.Carried.Where(d => d.Key != "Type").ToArray();
        if (args.Length == 0)
        {
            return new EntrypointResult(packageUnit.ExecStart, serviceType, carried, null);
        }

        // args replace the arguments of the package's entrypoint, its ExecStart= executable.
        if (!packageUnit.TryGetEntrypoint(out var packageEntrypoint, out var entrypointError))
        {
            return new EntrypointResult(null, null, null, entrypointError);
        }

        var resolved = ResolveExecutable(packageEntrypoint, context, out var resolveError);
        return resolved is null
            ? new EntrypointResult(null, null, null, resolveError)
            : new EntrypointResult([UnitDirective.Exec("ExecStart", new ExecCommand(resolved, args))], serviceType, carried, null);
    }

    // A command's executable must be absolute; a bare name ("sh") is looked up like a PATH search.
    private static string? ResolveExecutable(string name, PodUnitContext context, out string? error)
    {
        error = null;
        if (name.StartsWith('/'))
        {
            return name;
        }

        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal))
        {
            error = $"The executable '{name}' must be an absolute path or a bare command name.";
            return null;
        }

        var resolved = context.ResolveExecutable(name);
        if (resolved is null || !resolved.StartsWith('/'))
        {
            error = $"The executable '{name}' was not found on the node.";
            return null;
        }

        return resolved;
    }

    private static long GracePeriod(V1PodSpec spec)
    {
        var seconds = spec.TerminationGracePeriodSeconds ?? DefaultGracePeriodSeconds;
        // int.MaxValue seconds (68 years) keeps the value within what systemd parses.
        return Math.Clamp(seconds, MinimumGracePeriodSeconds, int.MaxValue);
    }

    private static BuildResult Fail(string error) => new(null, error);

    private static TranslationFailure ConfigError(string message) =>
        new(TranslationFailure.CreateContainerConfigError, message);
}
