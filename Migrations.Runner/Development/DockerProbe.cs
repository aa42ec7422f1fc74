using DotNet.Testcontainers.Configurations;

namespace Migrations.Runner.Development;

/// <summary>Whether a Docker engine answers, cheapest checks first.</summary>
public static class DockerProbe
{
    private static readonly Lazy<bool> Answer = new(Probe);

    public static bool Answers() => Answer.Value;

    private static bool Probe()
    {
        // Testcontainers' own probe pings every configured endpoint; with no socket and no DOCKER_HOST there is nothing to ping.
        if (Environment.GetEnvironmentVariable("DOCKER_HOST") is null && !File.Exists("/var/run/docker.sock"))
        {
            return false;
        }

        try
        {
            return TestcontainersSettings.OS.DockerEndpointAuthConfig is not null;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
