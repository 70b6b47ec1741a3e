using System.CommandLine;
using Vks.App.Cli;

namespace Vks.App.Tests.Cli;

public sealed class CommandLineTests
{
    [Fact]
    public async Task Version_prints_the_assembly_version()
    {
        var output = new StringWriter();

        var exit = await VksCommandLine.Build().Parse(["version"])
            .InvokeAsync(new InvocationConfiguration { Output = output });

        Assert.Equal(0, exit);
        Assert.Equal("vks 0.1.0", output.ToString().Trim());
    }

    [Fact]
    public async Task Unknown_command_fails_with_a_message()
    {
        var error = new StringWriter();

        var exit = await VksCommandLine.Build().Parse(["frobnicate"])
            .InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });

        Assert.NotEqual(0, exit);
        Assert.Contains("frobnicate", error.ToString(), StringComparison.Ordinal);
    }
}
