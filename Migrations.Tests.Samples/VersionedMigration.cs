using System.Globalization;
using FluentMigrator;

namespace Migrations.Tests.Samples;

/// <summary>A sample whose SQL names its objects after its own version, so one class body serves many versions.</summary>
public abstract class VersionedMigration : Migration
{
    /// <summary>The <c>[Migration]</c> version, as SQL text.</summary>
    protected string V => GetType().GetCustomAttributes(typeof(MigrationAttribute), false).Cast<MigrationAttribute>().Single().Version
        .ToString(CultureInfo.InvariantCulture);
}
