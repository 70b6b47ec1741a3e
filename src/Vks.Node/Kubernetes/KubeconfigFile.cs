// Reads the node's kubeconfig. KubernetesClient's own reader (BuildConfigFromConfigFile) parses it through
// KubernetesYaml, whose type initializer loads every model type in the library to map kinds to types. In vks that
// kept about 22 MB resident for the daemon's whole life (docs/benchmarks.md), spent on a file that only ever holds a
// K8SConfiguration. This reads that one type with YamlDotNet, and KubernetesClient still builds the
// configuration from it, so contexts, certificates and credentials mean exactly what they mean to the library.
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Vks.Node.Kubernetes;

public static class KubeconfigFile
{
    // The settings KubernetesYaml reads a kubeconfig with that matter for K8SConfiguration: camelCase names where a
    // field has no YAML alias, and fields this version of the model does not know are skipped, as kubectl does.
    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    /// <summary>The client configuration of the file's current context.</summary>
    /// <exception cref="KubeConfigException">The file is missing, is not a kubeconfig, or its current context is unusable.</exception>
    public static KubernetesClientConfiguration Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fullPath = Path.GetFullPath(path);
        K8SConfiguration? config;
        try
        {
            using var reader = File.OpenText(fullPath);
            config = Deserializer.Deserialize<K8SConfiguration?>(reader);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new KubeConfigException($"kubeconfig file not found at {fullPath}");
        }
        catch (YamlException e)
        {
            throw new KubeConfigException($"kubeconfig {fullPath} is not valid YAML: {e.Message}");
        }

        if (config is null)
        {
            throw new KubeConfigException($"kubeconfig {fullPath} is empty");
        }

        // Relative certificate and key paths are relative to the kubeconfig's directory, as for kubectl.
        config.FileName = fullPath;
        return KubernetesClientConfiguration.BuildConfigFromConfigObject(config);
    }
}
