namespace Migrations.Authoring;

/// <summary>Placeholder: the lexer lands here.</summary>
public static class SqlLexer
{
}
