namespace Migrations.Authoring;

/// <summary>
/// Says that a migration's risks (a rewrite, a long lock, a scan) were weighed and accepted: <c>up</c> outside the
/// Development environment runs it although <c>plan</c> reports findings above the threshold. The runner matches the
/// attribute by its name, so an assembly that cannot reference this one may declare its own <c>ReviewedAttribute</c>
/// with a <c>Reason</c>.
/// </summary>
/// <param name="reason">Why the risk is accepted, for whoever reads the migration next.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
public sealed class ReviewedAttribute(string reason) : Attribute
{
    public string Reason { get; } = reason;
}
