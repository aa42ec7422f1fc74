using Migrations.Runner.Cli;

return await RunnerCli.InvokeAsync(args, RunnerConsole.System);
