// Reads the node's kubeconfig. KubernetesClient's own reader (BuildConfigFromConfigFile) parses it through
// KubernetesYaml, whose type initializer loads every model type in the library to map kinds to types. In vks that
// kept about 22 MB resident for the daemon's whole life (docs/benchmarks.md), spent on a file that only ever holds a
// K8SConfiguration. It also maps YAML to objects by reflection, which Native AOT (how vks is compiled) cannot do for
// those models. This walks the YAML document itself, fills the library's K8SConfiguration with the fields the
// library acts on, and KubernetesClient builds the configuration from it, so contexts, certificates and credentials
// mean exactly what they mean to the library. Fields it does not act on (preferences, extensions) are skipped, as
// are fields this version does not know, as kubectl does.
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vks.Node.Kubernetes;

public static class KubeconfigFile
{
    /// <summary>The client configuration of the file's current context.</summary>
    /// <exception cref="KubeConfigException">The file is missing, is not a kubeconfig, or its current context is unusable.</exception>
    public static KubernetesClientConfiguration Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fullPath = Path.GetFullPath(path);
        var yaml = new YamlStream();
        try
        {
            using var reader = File.OpenText(fullPath);
            yaml.Load(reader);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new KubeConfigException($"kubeconfig file not found at {fullPath}");
        }
        catch (YamlException e)
        {
            throw new KubeConfigException($"kubeconfig {fullPath} is not valid YAML: {e.Message}");
        }

        var root = yaml.Documents.Count == 0 ? null : yaml.Documents[0].RootNode;
        if (root is null || IsNull(root))
        {
            throw new KubeConfigException($"kubeconfig {fullPath} is empty");
        }

        K8SConfiguration config;
        try
        {
            config = ReadConfiguration(AsMapping(root, "the document"));
        }
        catch (KubeConfigException e)
        {
            throw new KubeConfigException($"kubeconfig {fullPath} is not a kubeconfig: {e.Message}");
        }

        // Relative certificate and key paths are relative to the kubeconfig's directory, as for kubectl.
        config.FileName = fullPath;
        return KubernetesClientConfiguration.BuildConfigFromConfigObject(config);
    }

    private static K8SConfiguration ReadConfiguration(YamlMappingNode root) => new()
    {
        ApiVersion = Text(root, "apiVersion"),
        Kind = Text(root, "kind"),
        CurrentContext = Text(root, "current-context"),
        Clusters = List(root, "clusters", cluster => new Cluster
        {
            Name = Text(cluster, "name"),
            ClusterEndpoint = Mapping(cluster, "cluster") is { } endpoint
                ? new ClusterEndpoint
                {
                    Server = Text(endpoint, "server"),
                    CertificateAuthority = Text(endpoint, "certificate-authority"),
                    CertificateAuthorityData = Text(endpoint, "certificate-authority-data"),
                    TlsServerName = Text(endpoint, "tls-server-name"),
                    SkipTlsVerify = Flag(endpoint, "insecure-skip-tls-verify"),
                }
                : null,
        }),
        Users = List(root, "users", user => new User
        {
            Name = Text(user, "name"),
            UserCredentials = Mapping(user, "user") is { } credentials ? ReadCredentials(credentials) : null,
        }),
        Contexts = List(root, "contexts", context => new Context
        {
            Name = Text(context, "name"),
            ContextDetails = Mapping(context, "context") is { } details
                ? new ContextDetails
                {
                    Cluster = Text(details, "cluster"),
                    User = Text(details, "user"),
                    Namespace = Text(details, "namespace"),
                }
                : null,
        }),
    };

    private static UserCredentials ReadCredentials(YamlMappingNode user) => new()
    {
        ClientCertificate = Text(user, "client-certificate"),
        ClientCertificateData = Text(user, "client-certificate-data"),
        ClientKey = Text(user, "client-key"),
        ClientKeyData = Text(user, "client-key-data"),
        Token = Text(user, "token"),
        UserName = Text(user, "username"),
        Password = Text(user, "password"),
        Impersonate = Text(user, "as"),
        ImpersonateGroups = Strings(user, "as-groups"),
        AuthProvider = Mapping(user, "auth-provider") is { } provider
            ? new AuthProvider { Name = Text(provider, "name"), Config = StringMap(provider, "config") }
            : null,
        ExternalExecution = Mapping(user, "exec") is { } exec
            ? new ExternalExecution
            {
                ApiVersion = Text(exec, "apiVersion"),
                Command = Text(exec, "command"),
                Arguments = Strings(exec, "args"),
                EnvironmentVariables = List(exec, "env", variable => StringMap(variable)),
                InstallHint = Text(exec, "installHint"),
                ProvideClusterInfo = Flag(exec, "provideClusterInfo"),
            }
            : null,
    };

    private static YamlNode? Child(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var node) && !IsNull(node) ? node : null;

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: not (ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted), Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static string? Text(YamlMappingNode mapping, string key) => Child(mapping, key) switch
    {
        null => null,
        YamlScalarNode scalar => scalar.Value,
        _ => throw new KubeConfigException($"'{key}' is not a string"),
    };

    private static bool Flag(YamlMappingNode mapping, string key) => Text(mapping, key) switch
    {
        null => false,
        var text when bool.TryParse(text, out var value) => value,
        var text => throw new KubeConfigException($"'{key}' is '{text}', not true or false"),
    };

    private static YamlMappingNode? Mapping(YamlMappingNode mapping, string key) =>
        Child(mapping, key) is { } node ? AsMapping(node, $"'{key}'") : null;

    private static List<T> List<T>(YamlMappingNode mapping, string key, Func<YamlMappingNode, T> read) =>
        Sequence(mapping, key, item => read(AsMapping(item, $"an item of '{key}'")));

    private static List<string> Strings(YamlMappingNode mapping, string key) =>
        Sequence(mapping, key, item => item is YamlScalarNode { Value: { } value } ? value : throw new KubeConfigException($"an item of '{key}' is not a string"));

    private static List<T> Sequence<T>(YamlMappingNode mapping, string key, Func<YamlNode, T> read) => Child(mapping, key) switch
    {
        null => [],
        YamlSequenceNode sequence => sequence.Children.Select(read).ToList(),
        _ => throw new KubeConfigException($"'{key}' is not a list"),
    };

    private static Dictionary<string, string> StringMap(YamlMappingNode mapping, string key) =>
        Mapping(mapping, key) is { } map ? StringMap(map) : [];

    private static Dictionary<string, string> StringMap(YamlMappingNode mapping) => mapping.Children.ToDictionary(
        entry => entry.Key is YamlScalarNode { Value: { } name } ? name : throw new KubeConfigException("a key is not a string"),
        entry => entry.Value is YamlScalarNode { Value: { } value } ? value : throw new KubeConfigException($"'{entry.Key}' is not a string"),
        StringComparer.Ordinal);

    private static YamlMappingNode AsMapping(YamlNode node, string what) =>
        node as YamlMappingNode ?? throw new KubeConfigException($"{what} is not a mapping");
}
