using Vks.App.Cli;

return await VksCommandLine.Build().Parse(args).InvokeAsync();
