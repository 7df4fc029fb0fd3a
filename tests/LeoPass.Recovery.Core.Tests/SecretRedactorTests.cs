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
}
