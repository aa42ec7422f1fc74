using System.Diagnostics;
using Migrations.Runner.Cli;

namespace Migrations.Tests.Infrastructure;

public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public string All => Out + Error;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs the runner's real command line: in process with an environment of the test's own (nothing leaks in from the
/// machine), or as a child process where several must run at once or one must be killed.
/// </summary>
public static class Cli
{
    public static string SamplesAssembly => Path.Combine(AppContext.BaseDirectory, "Migrations.Tests.Samples.dll");

    public static async Task<CliResult> RunWithAsync(
        IReadOnlyDictionary<string, string>? environment, string? workingDirectory, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new RunnerConsole(
            output,
            error,
            name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
            workingDirectory ?? Path.GetTempPath());
        var exitCode = await RunnerCli.InvokeAsync(args, console);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>The runner against <paramref name="connectionString"/>, in process.</summary>
    public static Task<CliResult> RunAsync(string connectionString, params string[] args) =>
        RunWithAsync(null, null, [.. args, "--connection", connectionString]);

    /// <summary>
    /// <see cref="RunAsync"/> with the SQL of sample migration <paramref name="version"/> edited by a note, as if changed
    /// after it ran (<see cref="Samples.SampleMigration.Edits"/>).
    /// </summary>
    public static async Task<CliResult> RunEditedAsync(string connectionString, string version, string note, params string[] args)
    {
        Samples.SampleMigration.Edits.Value = new Dictionary<string, string> { [version] = note };
        return await RunAsync(connectionString, args);
    }

    /// <summary>The environment of a runner process pointed at <paramref name="database"/>.</summary>
    public static Dictionary<string, string> EnvironmentFor(string database) => new() { ["DATABASE_CONNECTION_STRING"] = database };

    /// <summary>Starts the built runner as a process, reading its output from the start.</summary>
    public static RunnerProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(environment);
        // A test run started in the background of a shell (nohup, `&`) ignores SIGINT, and a child inherits that:
        // Ctrl+C would then never reach the runner. env puts it back (GNU coreutils 8.31+), and execs, keeping the pid.
        var sigintIgnored = SigintIgnored();
        var start = new ProcessStartInfo(sigintIgnored ? "env" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (sigintIgnored)
        {
            start.ArgumentList.Add("--default-signal=INT");
            start.ArgumentList.Add("dotnet");
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Migrations.Runner.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment.Remove("DATABASE_CONNECTION_STRING");
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new RunnerProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start the runner"));
    }

    // Bit 2 (SIGINT) of the ignored-signals mask Linux reports for this process.
    private static bool SigintIgnored() =>
        OperatingSystem.IsLinux()
        && File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) is { } line
        && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0x2) != 0;

    /// <summary>Runs the built runner as a process to completion.</summary>
    public static async Task<CliResult> RunProcessAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(environment, args);
        return await process.Completion;
    }
}

/// <summary>
/// A runner running as a child process. Its stdout and stderr are read from the moment it starts, so that a full pipe
/// never stalls it; <see cref="Completion"/> ends when it has exited, killed or not.
/// </summary>
public sealed class RunnerProcess : IDisposable
{
    private readonly Process _process;

    internal RunnerProcess(Process process)
    {
        _process = process;
        Completion = CollectAsync(process);
    }

    /// <summary>Everything the process printed, and its exit code, once it has exited.</summary>
    public Task<CliResult> Completion { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>SIGINT, as Ctrl+C in a terminal sends it.</summary>
    public void Interrupt()
    {
        using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>SIGKILL, to the runner and anything it started; nothing happens when it has exited already.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException) when (_process.HasExited)
        {
            // It exited between the look and the kill.
        }
    }

    public void Dispose() => _process.Dispose();

    private static async Task<CliResult> CollectAsync(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
