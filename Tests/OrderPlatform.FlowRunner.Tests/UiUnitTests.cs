using System.Text.Json.Nodes;
using OrderPlatform.FlowRunner.Ui;

namespace OrderPlatform.FlowRunner.Tests;

public sealed class UiUnitTests
{
    [Fact]
    public void HtmlEncodesEveryValueButKeepsFragmentsListsAndArraysOfFragmentsAsMarkup()
    {
        var name = "<b onclick=\"x\">'&'</b>";
        Html item = $"<li>{name}</li>";
        List<Html> list = [item, item];
        Html[] array = [item];
        Html page = $"<ul>{list}{array}{item}</ul><p title=\"{name}\">{42}</p>";
        const string encoded = "&lt;b onclick=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/b&gt;";
        Assert.Equal($"<ul><li>{encoded}</li><li>{encoded}</li><li>{encoded}</li><li>{encoded}</li></ul><p title=\"{encoded}\">42</p>", page.ToString());
    }

    [Fact]
    public void RedactionHidesValuesUnderSecretLookingKeysAndCredentialsInTextAtAnyDepth()
    {
        var logged = JsonNode.Parse("""
            { "user": "ann", "Password": "p1", "headers": { "authorization": "**REDACTED**", "X-Api-Key": "k1", "accept": "json" },
              "items": [ { "client_secret": "s1", "note": "Bearer abc.def" } ], "apiToken": null, "monkey": "kept", "keyboard": "kept",
              "storage": "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k2" }
            """);
        var shown = Redaction.Redact(logged)!.ToJsonString();
        foreach (var secret in new[] { "p1", "k1", "s1", "abc.def", "k2" })
        {
            Assert.DoesNotContain(secret, shown);
        }

        var expected = JsonNode.Parse("""
            { "user": "ann", "Password": "**REDACTED**", "headers": { "authorization": "**REDACTED**", "X-Api-Key": "**REDACTED**", "accept": "json" },
              "items": [ { "client_secret": "**REDACTED**", "note": "**REDACTED**" } ], "apiToken": null, "monkey": "kept", "keyboard": "kept",
              "storage": "**REDACTED**" }
            """)!;
        Assert.Equal(expected.ToJsonString(), shown);
        Assert.Equal("p1", logged!["Password"]!.GetValue<string>());
    }
}
