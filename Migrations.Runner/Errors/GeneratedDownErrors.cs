namespace Migrations.Runner.Errors;

// The refusals of new --write-down. Files are named relative to the migrations folder.

/// <summary>No class file <c>M{Version}_*.cs</c> in the migrations folder.</summary>
public sealed record GeneratedDownUnknownVersion(long Version, string Directory, long? Latest) : RunnerError;

/// <summary>The class's Down is not one line running an embedded script of Scripts/, so there is no file to write.</summary>
public sealed record GeneratedDownNotScripted(long Version, string ClassName, string ClassFile) : RunnerError;

/// <summary>The down script is neither the placeholder nor an unedited generated one: someone wrote it.</summary>
/// <param name="Version">The migration's version.</param>
/// <param name="ClassName">Its class.</param>
/// <param name="Script">Its down script.</param>
/// <param name="Edited">It was generated, then edited (its checksum no longer matches).</param>
public sealed record GeneratedDownHandWritten(long Version, string ClassName, string Script, bool Edited) : RunnerError;

/// <summary>The Up in the folder is still the scaffolder's stub.</summary>
public sealed record GeneratedDownUpNotWritten(long Version, string ClassName, string File) : RunnerError;

/// <summary>
/// The built migrations do not hold the Up the folder does (the version is missing, its Up is the stub, or its up.sql
/// differs): the assembly was built before the Up was written.
/// </summary>
public sealed record GeneratedDownNotBuilt(long Version, string ClassName, string File, string Assembly) : RunnerError;

/// <summary>Its Up changes nothing the schema shows (a data change): there is no schema to go back to.</summary>
public sealed record GeneratedDownNothingToUndo(long Version, string ClassName) : RunnerError;
