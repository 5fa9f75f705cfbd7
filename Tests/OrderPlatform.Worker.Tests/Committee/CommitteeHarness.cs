using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrderPlatform.Contracts;
using OrderPlatform.Worker.Committee;
using OrderPlatform.OrderSheets;
using OrderPlatform.Worker.Tests.Parsing;

namespace OrderPlatform.Worker.Tests.Committee;

internal static class CommitteeHarness
{
    public static Task<ReviewedOrder> RunAsync(XlsxBuilder book, string? customer = null, IMappingHistory? history = null,
        params ICommitteeMember[] extra) => RunAsync(ParserHarness.Parse(book), customer, history, extra);

    public static Task<ReviewedOrder> RunAsync(ParsedSheet sheet, string? customer = null, IMappingHistory? history = null,
        params ICommitteeMember[] extra)
    {
        var members = new List<ICommitteeMember> { new HeaderSynonymMember(), new ContentProfileMember(), new HistoryMember(history ?? new InMemoryMappingHistory()) };
        members.AddRange(extra);
        var committee = new OrderCommittee(members, Options.Create(new CommitteeOptions()), NullLogger<OrderCommittee>.Instance);
        return committee.RunAsync(new CommitteeInput(sheet, customer), TestContext.Current.CancellationToken);
    }

    public static FieldConfidence Field(this ReviewedOrder review, string field) => review.Fields.Single(f => f.Field == field);
}
