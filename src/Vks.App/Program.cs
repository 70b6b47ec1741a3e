using System.CommandLine;
using Vks.App.Cli;

// No termination timeout: SIGTERM is the generic host's to handle (`vks run` stops its actors in order, within
// HostOptions.ShutdownTimeout); System.CommandLine would otherwise end the process two seconds after the signal.
return await VksCommandLine.Build().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
