using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>Writes a health report as JSON: overall status plus one entry per check (status, duration, description).</summary>
public static class HealthReportWriter
{
    /// <summary>Response writer for <c>MapHealthChecks</c>. Exception details are not written: they can carry secrets.</summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            totalDurationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            entries = report.Entries.ToDictionary(
                e => e.Key,
                e => new
                {
                    status = e.Value.Status.ToString(),
                    durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                    description = Describe(e.Value),
                    tags = e.Value.Tags,
                }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, SerializerOptions, context.RequestAborted);
    }

    // Checks that fail with an exception (Aspire's Npgsql and Redis ones, and any check that throws) carry its message
    // as the description, and messages can name hosts, users and URLs: /health is anonymous, so only the type is shown.
    private static string? Describe(HealthReportEntry entry) =>
        entry.Exception is { } ex ? $"{entry.Status} ({ex.GetType().Name})." : entry.Description;

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
