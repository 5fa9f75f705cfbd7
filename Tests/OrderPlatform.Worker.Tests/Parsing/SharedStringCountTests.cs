using System.Text;
using OrderPlatform.OrderSheets;

namespace OrderPlatform.Worker.Tests.Parsing;

public sealed class SharedStringCountTests
{
    private static long Count(string xml, long cap = long.MaxValue) =>
        XlsxStrings.CountItems(new MemoryStream(Encoding.UTF8.GetBytes(xml)), cap, new ParseLimits(new ParserOptions(), TestContext.Current.CancellationToken));

    [Theory]
    [InlineData("")]
    [InlineData("x:")]
    [InlineData("main:")]
    public void ItemTagsAreCountedWithOrWithoutAPrefixAcrossReadBoundaries(string prefix)
    {
        // 100,000 items span many 64 KB reads, so tags cut by a read boundary are counted too.
        var xml = new StringBuilder($"<{prefix}sst>");
        for (var i = 0; i < 100_000; i++)
        {
            xml.Append($"<{prefix}si><{prefix}t>s{i}</{prefix}t></{prefix}si>");
            if (i % 7 == 0)
            {
                xml.Append($"<{prefix}si/><{prefix}sip>not an item</{prefix}sip>");
            }
        }

        xml.Append($"</{prefix}sst>");

        Assert.Equal(100_000 + 14_286, Count(xml.ToString()));
    }

    [Fact]
    public void CountingStopsOnePastTheCap() =>
        Assert.Equal(11, Count(string.Concat(Enumerable.Repeat("<si><t>a</t></si>", 1000)), cap: 10));
}
