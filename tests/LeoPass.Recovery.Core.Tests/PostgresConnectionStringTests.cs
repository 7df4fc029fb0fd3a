using LeoPass.Recovery.Core.Configuration;
using Npgsql;

namespace LeoPass.Recovery.Core.Tests;

public class PostgresConnectionStringTests
{
    [Fact]
    public void Url_with_percent_encoded_password_and_sslmode_becomes_npgsql_settings()
    {
        var cs = PostgresConnectionString.Parse("postgresql://app%40user:p%3Ass%2Fword@db.example:6543/leopass?sslmode=require&connection_limit=5", "DATABASE_URL");
        var b = new NpgsqlConnectionStringBuilder(cs);
        Assert.Equal("app@user", b.Username);
        Assert.Equal("p:ss/word", b.Password);
        Assert.Equal("db.example", b.Host);
        Assert.Equal(6543, b.Port);
        Assert.Equal("leopass", b.Database);
        Assert.Equal(SslMode.Require, b.SslMode);
    }

    [Fact]
    public void Url_without_port_uses_5432()
    {
        var b = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Parse("postgres://u@h/d", "X"));
        Assert.Equal(5432, b.Port);
        Assert.Null(b.Password);
    }

    [Fact]
    public void Plain_npgsql_connection_string_is_accepted()
    {
        var b = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Parse("Host=h;Port=7;Database=d;Username=u;Password=pw", "X"));
        Assert.Equal(("h", 7, "d"), (b.Host, b.Port, b.Database));
    }

    [Theory]
    [InlineData("postgresql://user:secretpw@host:5432/")]
    [InlineData("postgresql://user:secretpw@host:5432/db?sslmode=sometimes")]
    [InlineData("Bogus=1;Password=secretpw")]
    public void Invalid_value_names_the_variable_and_never_echoes_the_password(string value)
    {
        var e = Assert.Throws<ConfigurationException>(() => PostgresConnectionString.Parse(value, "DATABASE_URL"));
        Assert.Contains("DATABASE_URL", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secretpw", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToUrl_round_trips_through_parse()
    {
        var original = PostgresConnectionString.Parse("postgresql://u:p%20w%40@h:1234/db", "X");
        var again = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Parse(PostgresConnectionString.ToUrl(original), "X"));
        Assert.Equal(("u", "p w@", "h", 1234, "db"), (again.Username, again.Password, again.Host, again.Port, again.Database));
    }
}
