using System.Security.Claims;
using System.Text.Json;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OrderPlatform.Api.Auth;
using OrderPlatform.Cases;
using OrderPlatform.Contracts;

namespace OrderPlatform.Api.Orders;

public static class OrdersApi
{
    private const string Container = OrderBlobAddress.Container;

    public static RouteGroupBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Orders").RequireAuthorization(ApiScopes.Orders).RequireRateLimiting(ApiExtensions.PerKeyPolicy);
        api.MapPost("/orders", CreateOrderAsync).DisableAntiforgery()
            .WithSummary("Upload an order file (multipart: file, tenantId, userId, optional conversation JSON)");
        api.MapPost("/workflow/start", StartWorkflowAsync).WithSummary("Start a case for a file already in storage (original shape)");
        return api;
    }

    public static async Task<Results<Accepted<OrderAccepted>, ProblemHttpResult>> CreateOrderAsync(HttpContext context, ClaimsPrincipal user,
        OrderIntake intake, ICaseStore cases, BlobServiceClient blobs, IOptions<UploadOptions> upload, CancellationToken ct)
    {
        var limits = upload.Value;
        if (context.Request.ContentLength > limits.RequestLimit)
        {
            return TooLarge(limits);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limits.RequestLimit;
        }

        if (!context.Request.HasFormContentType)
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Expected multipart/form-data", "Send the file as multipart/form-data in a part named file.");
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(ct);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            return TooLarge(limits);
        }

        var file = form.Files.GetFile("file");
        string tenantId = form["tenantId"].ToString(), userId = form["userId"].ToString();
        if (file is null || file.Length == 0 || !OrderBlobAddress.IsSafeId(tenantId) || userId.Length is 0 or > 256)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid upload",
                $"Send a non-empty file part named file, tenantId ({OrderBlobAddress.SafeIdRule}) and userId.");
        }

        if (!user.MayActFor(tenantId))
        {
            return NotForTenant(tenantId);
        }

        if (file.Length > limits.MaxFileBytes)
        {
            return TooLarge(limits);
        }

        // Only the bot says where results go: anyone else's conversation would make the bot post into a chat of the
        // caller's choosing.
        ConversationReference? conversation = null;
        if (form["conversation"].ToString() is { Length: > 0 } json && user.HasScope(ApiScopes.Bot))
        {
            try
            {
                conversation = JsonSerializer.Deserialize<ConversationReference>(json, CaseJson.Options);
            }
            catch (JsonException)
            {
                return Problem(StatusCodes.Status400BadRequest, "Invalid conversation", "conversation must be a JSON conversation reference.");
            }
        }

        var head = new byte[512];
        int read;
        await using (var peek = file.OpenReadStream())
        {
            read = await peek.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        }

        var (extension, refusal) = UploadSniffer.Sniff(head.AsSpan(0, read), file.FileName);
        if (extension is null)
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Not a spreadsheet", refusal!);
        }

        var caseId = OrderIntake.NewCaseId();
        if (context.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } idempotencyKey)
        {
            caseId = OrderIntake.IdempotentCaseId(user.Identity?.Name ?? "anonymous", idempotencyKey);
            if (await cases.FindForAsync(user, caseId, ct) is { } existing)
            {
                // The first attempt may have stored the case and then failed to start it: this retry starts it.
                if (existing.Status == CaseStatus.Received)
                {
                    await intake.ResumeAsync(existing);
                }

                return Accepted(existing.Id, existing.Status);
            }
        }

        var blobName = $"{tenantId}/{caseId}/original.{extension}";
        var container = blobs.GetBlobContainerClient(Container);
        await container.CreateIfNotExistsAsync(cancellationToken: ct);
        var blob = container.GetBlobClient(blobName);
        await using (var content = file.OpenReadStream())
        {
            await blob.UploadAsync(content, overwrite: true, ct);
        }

        var fileName = Path.ChangeExtension(Path.GetFileName(file.FileName), extension);
        var document = new CaseDocument
        {
            Id = caseId,
            TenantId = tenantId,
            UserId = userId,
            Conversation = conversation,
            File = new CaseFile(fileName, $"{Container}/{blobName}", extension, file.Length),
        };
        return await StartAsync(intake, document, new OrderWorkflowInput(caseId, tenantId, userId, blob.Uri.AbsoluteUri, fileName, conversation), ct);
    }

    public static async Task<Results<Accepted<OrderAccepted>, ProblemHttpResult>> StartWorkflowAsync(WorkflowStartRequest request,
        ClaimsPrincipal user, OrderIntake intake, BlobServiceClient blobs, CancellationToken ct)
    {
        if (!OrderBlobAddress.IsSafeId(request.CaseId) || !OrderBlobAddress.IsSafeId(request.TenantId) || string.IsNullOrWhiteSpace(request.UserId))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid start request",
                $"caseId and tenantId ({OrderBlobAddress.SafeIdRule}), userId and blobUrl are required.");
        }

        if (!user.MayActFor(request.TenantId))
        {
            return NotForTenant(request.TenantId);
        }

        // Never fetched: only a name in our own account under the tenant's folder is accepted (no SSRF through blobUrl).
        if (OrderBlobAddress.Resolve(blobs.Uri, request.BlobUrl, request.TenantId, out var refusal) is not { } blobName)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid blobUrl", refusal);
        }

        var fileName = Path.GetFileName(blobName);
        var document = new CaseDocument
        {
            Id = request.CaseId,
            TenantId = request.TenantId,
            UserId = request.UserId,
            Teams = request.Teams,
            File = new CaseFile(fileName, $"{Container}/{blobName}", Path.GetExtension(fileName).TrimStart('.').ToLowerInvariant()),
        };
        var input = new OrderWorkflowInput(request.CaseId, request.TenantId, request.UserId, request.BlobUrl, fileName, Teams: request.Teams);
        return await StartAsync(intake, document, input, ct);
    }

    private static async Task<Results<Accepted<OrderAccepted>, ProblemHttpResult>> StartAsync(OrderIntake intake, CaseDocument document,
        OrderWorkflowInput input, CancellationToken ct)
    {
        try
        {
            var started = await intake.StartAsync(document, input, ct);
            return Accepted(started.Id, started.Status);
        }
        catch (CaseAlreadyExistsException)
        {
            return Problem(StatusCodes.Status409Conflict, "Case id taken", $"Case id {document.Id} is already in use; choose another.");
        }
    }

    private static Accepted<OrderAccepted> Accepted(string caseId, CaseStatus status)
    {
        var url = OrderIntake.StatusUrl(caseId);
        return TypedResults.Accepted(url, new OrderAccepted(caseId, status, url));
    }

    private static ProblemHttpResult NotForTenant(string tenantId) => Problem(StatusCodes.Status403Forbidden, "Tenant not allowed",
        $"This API key may not act for tenant {tenantId}.");

    private static ProblemHttpResult TooLarge(UploadOptions limits) => Problem(StatusCodes.Status413PayloadTooLarge, "File too large",
        $"Order files may be at most {limits.MaxFileBytes / (1024 * 1024.0):0.#} MB.");

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title);
}
