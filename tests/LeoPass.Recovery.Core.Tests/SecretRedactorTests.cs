using LeoPass.Recovery.Core.Secrets;

namespace LeoPass.Recovery.Core.Tests;

public class SecretRedactorTests
{
    [Fact]
    public void Masks_plain_and_percent_encoded_forms()
    {
        var r = new SecretRedactor();
        r.Add("p@ss/word");
        Assert.Equal("url postgresql://u:***@h and ***", r.Redact("url postgresql://u:p%40ss%2Fword@h and p@ss/word"));
    }

    [Fact]
    public void Longer_secret_containing_a_shorter_one_is_masked_whole()
    {
        var r = new SecretRedactor();
        r.Add("abcd");
        r.Add("abcdefgh");
        Assert.Equal("x *** y", r.Redact("x abcdefgh y"));
    }

    [Theory]
    [InlineData("Host=db;Username=app;Password=n0t-configured;Database=prod", "Host=db;Username=app;Password=***;Database=prod")]
    [InlineData("host=db pwd = 'with space' dbname=prod", "host=db pwd = *** dbname=prod")]
    [InlineData("failed: postgresql://app:n0t%2Dconfigured@db:5432/prod", "failed: postgresql://app:***@db:5432/prod")]
    [InlineData("https://user:tok3n@hooks.example/x and password: shown?", "https://user:***@hooks.example/x and password: shown?")]
    public void A_password_written_as_a_credential_is_masked_even_when_not_configured(string text, string masked) =>
        Assert.Equal(masked, new SecretRedactor().Redact(text));

    [Fact]
    public void A_url_in_one_json_string_and_an_at_sign_in_the_next_are_not_read_as_a_credential()
    {
        // An API body is masked whole: a match across the strings would break the JSON it answers.
        var answer = System.Text.Json.JsonSerializer.Serialize(new { target = "s3://backups", notify = "oncall:sre@example.com", output = System.Text.Json.JsonSerializer.Serialize(new { url = "s3://bucket", to = "ops:team@example.com" }) });
        Assert.Equal(answer, new SecretRedactor().Redact(answer));
        // A credential inside one string is still masked, whole body or not.
        var leaked = System.Text.Json.JsonSerializer.Serialize(new { error = "postgresql://app:s3cret@db/prod refused" });
        Assert.Equal("postgresql://app:***@db/prod refused", System.Text.Json.Nodes.JsonNode.Parse(new SecretRedactor().Redact(leaked))!["error"]!.GetValue<string>());
    }

    [Fact]
    public void A_secret_inside_json_inside_json_is_masked()
    {
        var r = new SecretRedactor();
        r.Add("a&b<c>");
        var answer = System.Text.Json.JsonSerializer.Serialize(new { output = System.Text.Json.JsonSerializer.Serialize(new { text = "a&b<c>" }) });
        var masked = System.Text.Json.Nodes.JsonNode.Parse(r.Redact(answer))!["output"]!.GetValue<string>();
        Assert.Equal("***", System.Text.Json.Nodes.JsonNode.Parse(masked)!["text"]!.GetValue<string>());
    }
}
