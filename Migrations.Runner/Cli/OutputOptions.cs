using System.CommandLine;

namespace Migrations.Runner.Cli;

/// <summary>Gives every verb --json and --format, whether or not its own file names them.</summary>
internal static class OutputOptions
{
    public static void AddTo(Command command, CommonOptions options)
    {
        foreach (var option in new Option[] { options.Json, options.Format })
        {
            if (!command.Options.Contains(option))
            {
                command.Options.Add(option);
            }
        }
    }
}
