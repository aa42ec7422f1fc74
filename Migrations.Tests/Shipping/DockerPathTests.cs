using System.Diagnostics;
using Migrations.Runner.Development;
using Migrations.Tests.Infrastructure;

namespace Migrations.Tests.Shipping;

/// <summary>A test that needs a Docker engine: skipped, with the reason, where none answers.</summary>
public sealed class DockerFactAttribute : FactAttribute
{
    public DockerFactAttribute()
    {
        if (!DockerProbe.Answers())
        {
            Skip = "no Docker engine answers (DOCKER_HOST, /var/run/docker.sock): the Testcontainers paths run where one does "
                + "(README, Docker)";
        }
    }
}

/// <summary>The paths a developer with Docker takes: the tests' Testcontainers server and the development database's container.</summary>
public sealed class DockerPathTests
{
    [DockerFact]
    public async Task The_test_fixture_starts_postgres_in_a_container_and_the_runner_migrates_it()
    {
        var server = await PostgresServer.StartContainerAsync();

        var up = await Cli.RunAsync(server, "up");
        var status = await Cli.RunAsync(server, "status", "--check");

        Assert.True(up.ExitCode == 0, up.ToString());
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Equal(await Db.AppliedVersionsAsync(server), CliOutput.ReportedVersions(up.Out));
    }

    [DockerFact]
    public async Task The_development_database_runs_in_a_reused_container_named_in_its_note_and_devdb_drop_removes_it()
    {
        // A developer's own development container is never touched by a test.
        if ((await DockerAsync("ps", "--all", "--quiet", "--filter", "name=^" + DevDatabase.ContainerName + "$")).Length > 0)
        {
            return;
        }

        var repository = Directory.CreateTempSubdirectory("docker-devdb-").FullName;
        await File.WriteAllTextAsync(Path.Combine(repository, "Database.sln"), "");
        try
        {
            var up = await Cli.RunWithAsync(null, repository, "up");
            var again = await Cli.RunWithAsync(null, repository, "status", "--check");
            var drop = await Cli.RunWithAsync(null, repository, "devdb", "drop");

            Assert.True(up.ExitCode == 0, up.ToString());
            Assert.Contains("Docker container " + DevDatabase.ContainerName, up.Error, StringComparison.Ordinal);
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.True(drop.ExitCode == 0, drop.ToString());
            Assert.Empty(await DockerAsync("ps", "--all", "--quiet", "--filter", "name=^" + DevDatabase.ContainerName + "$"));
        }
        finally
        {
            Directory.Delete(repository, recursive: true);
        }
    }

    private static async Task<string> DockerAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output.Trim();
    }
}
