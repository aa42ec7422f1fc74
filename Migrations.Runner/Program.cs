using Migrations.Runner.Commands;

return await Cli.InvokeAsync(args, RunnerConsole.System);
