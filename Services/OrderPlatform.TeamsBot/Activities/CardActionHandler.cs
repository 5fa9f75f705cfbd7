using System.Text.Json;
using OrderPlatform.Contracts;
using OrderPlatform.TeamsBot.Cards;
using OrderPlatform.TeamsBot.Orders;

namespace OrderPlatform.TeamsBot.Activities;

/// <summary>
/// <c>adaptiveCard/action</c> invokes (Universal Actions, spec §6). The user waits on the invoke, so the workflow is
/// only signalled here and the card is replaced at once with a "processing" confirmation.
/// </summary>
public sealed partial class CardActionHandler(OrdersClient orders, ILogger<CardActionHandler> logger)
{
    private const string ErrorType = "application/vnd.microsoft.error";

    /// <summary>Null means the invoke is malformed (no <c>Action.Execute</c>), which the caller answers with 400.</summary>
    public async Task<InvokeResponse?> HandleExecuteAsync(Activity activity, CancellationToken cancellationToken)
    {
        if (activity.Value is not { ValueKind: JsonValueKind.Object } value
            || !value.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.Object
            || !action.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
            || type.GetString() != "Action.Execute")
        {
            return null;
        }

        var verb = action.TryGetProperty("verb", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (verb != CorrectionCards.Verb)
        {
            return Error(400, "UnknownVerb", "This card action is not supported.");
        }

        var (caseId, payload) = CorrectionCards.ReadAnswers(action.TryGetProperty("data", out var data) ? data : default);
        if (string.IsNullOrEmpty(caseId))
        {
            return Error(400, "MissingCaseId", "The card does not say which order it belongs to.");
        }

        bool accepted;
        try
        {
            var signal = new SignalRequest(SignalNames.Corrections, activity.From?.Id, payload, RequestId: activity.Id);
            accepted = await orders.SignalOwnAsync(caseId, activity.TenantId, signal, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Unreachable Api, a resilience timeout: the user sees a sentence and a reference, never the error.
            var reference = TryAgainReplies.NewReference();
            LogSignalFailed(logger, ex.GetType().Name, (ex as HttpRequestException)?.StatusCode is { } code ? (int)code : 0, reference);
            return Error(500, "OrderServiceUnavailable", TryAgainReplies.Text(reference));
        }

        var card = accepted
            ? CorrectionCards.Confirmation(caseId)
            : CorrectionCards.Notice($"Order {caseId} is no longer waiting for corrections.");
        return new InvokeResponse(200, card.ContentType, card.Content);
    }

    private static InvokeResponse Error(int statusCode, string code, string message) =>
        new(statusCode, ErrorType, new { code, message });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signalling corrections failed ({Error}, {Status}; reference {Reference})")]
    private static partial void LogSignalFailed(ILogger logger, string error, int status, string reference);
}
