using Migrations.Runner.Errors;

namespace Migrations.Runner.Cli;

/// <summary>The wording of new --write-down's refusals.</summary>
internal static class GeneratedDownErrorText
{
    private const string Rebuild = "dotnet run --project Migrations.Runner rebuilds the migrations before it runs";

    internal static ErrorMessage? TryDescribe(RunnerError error) => error switch
    {
        GeneratedDownUnknownVersion e => new(
            $"--write-down {e.Version}: {e.Directory} has no migration {e.Version} (no M{e.Version:0000}_*.cs"
            + (e.Latest is { } latest ? $"; latest: {latest})" : "; it has no migration)"),
            "pass the version of a migration scaffolded with 'new \"Title\" --generate-down', or --directory of its project",
            ExitCodes.Usage),
        GeneratedDownNotScripted e => new(
            $"--write-down {e.Version}: {e.ClassName}'s Down does not run a script ({e.ClassFile}), so there is no down.sql to write",
            $"to have it generated, make its Down one line, Execute.EmbeddedScript(\"Scripts.{e.ClassName}.down.sql\"), as "
            + $"'new --generate-down' writes it; or keep the Down written in C#, which 'verify --from {e.Version}' checks",
            ExitCodes.Usage),
        GeneratedDownHandWritten e => new(
            e.Edited
                ? $"--write-down {e.Version}: {e.Script} was generated, then edited: refusing to overwrite the edit"
                : $"--write-down {e.Version}: {e.Script} is written by hand (it is neither the placeholder of 'new --generate-down' "
                  + "nor a generated script): refusing to overwrite it",
            $"to generate it anyway, delete {e.Script} and run 'new --write-down {e.Version}' again; to keep it, "
            + $"check it with 'verify --from {e.Version}'",
            ExitCodes.Usage),
        GeneratedDownUpNotWritten e => new(
            $"--write-down {e.Version}: {e.ClassName}'s Up is not written yet ({e.File} is still the stub): there is no change to undo",
            $"write {e.File} first, then run 'new --write-down {e.Version}' again ({Rebuild})"),
        GeneratedDownNotBuilt e => new(
            $"--write-down {e.Version}: the built migrations ({e.Assembly}) do not hold {e.ClassName}'s Up as {e.File} now has it: "
            + "they were built before it was written",
            $"rebuild, then run again: {Rebuild}; or pass --assembly with the rebuilt .dll"),
        GeneratedDownNothingToUndo e => new(
            $"--write-down {e.Version}: {e.ClassName}'s Up changes nothing the schema shows (a data change?): "
            + "there is no schema to generate a Down from; nothing written",
            $"write Scripts/{e.ClassName}.down.sql by hand: delete the placeholder's statement and undo the Up's data change"),
        _ => null,
    };
}
