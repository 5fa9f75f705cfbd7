using System.Text.Json.Nodes;
using OrderPlatform.FlowRunner.Templating;

namespace OrderPlatform.FlowRunner.Tests;

public sealed class TemplateTests
{
    private static readonly JsonObject State = JsonNode.Parse("""
        { "trigger": { "body": { "items": [ { "id": 7 }, { "id": 8 } ], "n": 3, "flag": true, "odd key": "yes" } },
          "step_1": { "total": 12.5, "name": "Ada" } }
        """)!.AsObject();

    [Theory]
    [InlineData("{{trigger.body.items}}", "[{\"id\":7},{\"id\":8}]")]
    [InlineData("{{ trigger.body.n }}", "3")]
    [InlineData("{{trigger.body.flag}}", "true")]
    [InlineData("{{trigger.body.items[1].id}}", "8")]
    [InlineData("{{trigger.body['odd key']}}", "\"yes\"")]
    [InlineData("{{step_1}}", "{\"total\":12.5,\"name\":\"Ada\"}")]
    public void ALoneTokenKeepsTheTypeOfWhatItNames(string template, string json) =>
        Assert.Equal(json, Template.Resolve(JsonValue.Create(template), State)!.ToJsonString());

    [Theory]
    [InlineData("Hello {{step_1.name}}, total {{step_1.total}}", "Hello Ada, total 12.5")]
    [InlineData("items: {{trigger.body.items[0]}}", "items: {\"id\":7}")]
    [InlineData("missing: [{{step_1.nothing.here}}]", "missing: []")]
    [InlineData("no templates", "no templates")]
    public void MixedTextInterpolatesAndSerialisesNonStrings(string template, string expected) =>
        Assert.Equal(expected, Template.ResolveText(template, State));

    [Fact]
    public void AMissingLoneTokenIsNullAndTemplatesInsideObjectsAndArraysResolve()
    {
        Assert.Null(Template.Resolve(JsonValue.Create("{{trigger.body.items[5]}}"), State));
        var resolved = Template.Resolve(JsonNode.Parse("""{ "a": ["{{trigger.body.n}}", "x{{trigger.body.n}}"], "b": 1 }"""), State)!;
        Assert.Equal("""{"a":[3,"x3"],"b":1}""", resolved.ToJsonString());
    }

    [Theory]
    [InlineData("{{trigger.body")]
    [InlineData("{{}}")]
    [InlineData("{{trigger..body}}")]
    [InlineData("{{trigger.body[abc]}}")]
    [InlineData("{{trigger.body[0}}")]
    public void ABrokenTemplateIsRejectedWithItsText(string template)
    {
        var error = Assert.Throws<TemplateException>(() => Template.Roots(JsonValue.Create(template)).ToList());
        Assert.Contains(template.Length > 12 ? template[..12] : template, error.Message);
    }
}
