using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrderPlatform.FlowRunner.Runs;

namespace OrderPlatform.FlowRunner.Ui;

/// <summary>The runs page's HTML: every value goes through <see cref="Html"/>, which encodes it.</summary>
public static class RunsPageViews
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Html Layout(string title, Html body, string? csrf) => $"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{title} · FlowRunner</title><link rel="stylesheet" href="/ui/app.css"></head>
        <body><header><a class="home" href="/ui/">FlowRunner runs</a>{(csrf is null ? Html.Empty : Form("/ui/logout", csrf, "Sign out", "logout"))}</header>
        <main>{body}</main></body></html>
        """;

    public static Html Login(string? error) => $"""
        <h1>Sign in</h1>
        {(error is null ? Html.Empty : (Html)$"<p class=\"notice error\" role=\"alert\">{error}</p>")}
        <form method="post" action="/ui/login" class="login">
        <label for="key">API key</label>
        <input id="key" name="key" type="password" autocomplete="current-password" required maxlength="512" autofocus>
        <button type="submit">Sign in</button>
        </form>
        <p class="hint">The same keys as the API's <code>X-Api-Key</code> (<code>FlowRunner:Keys</code>).</p>
        """;

    public static Html Flows(List<FlowRuns> flows, bool single)
    {
        if (flows.Count == 0)
        {
            return $"<h1>Flows</h1><p class=\"empty\">No flows yet: create one with <code>POST /api/v1/flows</code>.</p>";
        }

        var sections = flows.Select(f => (Html)$"""
            <section class="flow" data-flow="{f.Id}">
            <h2><a href="/ui/flows/{f.Id}">{f.Name}</a> <small>{f.Status} · {(f.PublishedNumber is { } n ? $"published v{n}" : "not published")}</small></h2>
            {(f.Runs.Count == 0 ? (Html)$"<p class=\"empty\">No runs yet.</p>" : RunsTable(f.Runs))}
            </section>
            """);
        return $"<h1>{(single ? flows[0].Name : "Flows")}</h1>{sections}";
    }

    public static Html Run(RunSummary run, RunLineage lineage, List<StepLog> steps, JsonObject trigger, string? notice, string csrf)
    {
        var live = !RunStatus.IsTerminal(run.Status);
        return $"""
            <h1>Run <code>{run.Id}</code></h1>
            {(notice is null ? Html.Empty : (Html)$"<p class=\"notice\" role=\"status\">{notice}</p>")}
            <dl class="summary">
            <dt>Flow</dt><dd><a href="/ui/flows/{lineage.FlowId}">{lineage.FlowName}</a> · v{lineage.VersionNumber} ({lineage.VersionState})</dd>
            <dt>Status</dt><dd>{Status(run.Status)}{(run.FailedStep is null ? Html.Empty : (Html)$" at step <code>{run.FailedStep}</code>")}</dd>
            <dt>Created</dt><dd>{Time(run.CreatedAt)}</dd>
            <dt>Duration</dt><dd>{Duration(run.StartedAt, run.FinishedAt)}</dd>
            <dt>Attempts</dt><dd>{run.Attempt}</dd>
            {(lineage.RerunOf is { } of ? (Html)$"<dt>Rerun of</dt><dd><a href=\"/ui/runs/{of}\">{Short(of)}</a> ({lineage.Strategy})</dd>" : Html.Empty)}
            {(lineage.RerunBy is { } by ? (Html)$"<dt>Rerun as</dt><dd><a href=\"/ui/runs/{by}\" class=\"rerun-by\">{Short(by)}</a></dd>" : Html.Empty)}
            </dl>
            {(run.Error is null ? Html.Empty : (Html)$"<h2>Error</h2><pre class=\"error\">{Json(run.Error)}</pre>")}
            <div class="actions">
            {(live ? Form($"/ui/runs/{run.Id}/cancel", csrf, "Cancel run", "cancel") : Html.Empty)}
            {(RerunStrategy.CanRerun(run.Status) && lineage.RerunBy is null ? RerunForms(run.Id, csrf) : Html.Empty)}
            <a href="/ui/runs/{run.Id}" class="refresh">Refresh</a>
            </div>
            <h2>Timeline</h2>
            {Timeline(run, steps, trigger, lineage.Reused)}
            """;
    }

    public static Html NotFound(string what) => $"<h1>Not found</h1><p class=\"empty\">{what}</p>";

    private static Html RunsTable(List<RecentRun> runs)
    {
        var rows = runs.Select(r => (Html)$"""
            <tr data-run="{r.Id}"><td><a href="/ui/runs/{r.Id}">{Short(r.Id)}</a>{(r.RerunOf is null ? Html.Empty : (Html)$" <span class=\"tag\">rerun</span>")}</td>
            <td>{Status(r.Status)}</td><td>{Time(r.CreatedAt)}</td><td>{Duration(r.StartedAt, r.FinishedAt)}</td></tr>
            """);
        return $"<table class=\"runs\"><thead><tr><th>Run</th><th>Status</th><th>Created</th><th>Duration</th></tr></thead><tbody>{rows}</tbody></table>";
    }

    private static Html RerunForms(Guid runId, string csrf) => $"""
        <form method="post" action="/ui/runs/{runId}/rerun"><input type="hidden" name="csrf" value="{csrf}">
        <button type="submit" name="strategy" value="{RerunStrategy.FromFailedStep}" class="rerun-failed">Rerun from failed step</button>
        <button type="submit" name="strategy" value="{RerunStrategy.OnLatestVersion}" class="rerun-latest">Rerun on latest version</button></form>
        """;

    private static Html Timeline(RunSummary run, List<StepLog> steps, JsonObject trigger, string[] reused)
    {
        var origin = run.StartedAt ?? run.CreatedAt;
        var rows = steps.Select(s => (Html)$"""
            <tr data-step="{s.Name}"><td><code>{s.Name}</code>{(reused.Contains(s.Name) ? (Html)$" <span class=\"tag\">reused</span>" : Html.Empty)}</td>
            <td>{s.Attempt}</td><td>{Status(s.Status)}</td>
            <td>+{Math.Max(0, (s.StartedAt - origin).TotalSeconds):0.000} s</td><td>{Duration(s.StartedAt, s.FinishedAt)}</td>
            <td>{Details("Input", s.Input)}{Details("Output", s.Output)}{Details("Error", s.Error)}</td></tr>
            """);
        return $"""
            <table class="timeline"><thead><tr><th>Step</th><th>Attempt</th><th>Status</th><th>Started</th><th>Took</th><th>Data</th></tr></thead><tbody>
            <tr data-step="trigger"><td><code>trigger</code></td><td></td><td></td><td>{Time(run.CreatedAt)}</td><td></td><td>{Details("Request", trigger)}</td></tr>
            {rows}</tbody></table>
            {(steps.Count == 0 ? (Html)$"<p class=\"empty\">No step has run yet.</p>" : Html.Empty)}
            """;
    }

    private static Html Details(string label, JsonNode? value) => value is null
        ? Html.Empty
        : (Html)$"<details><summary>{label}</summary><pre>{Json(value)}</pre></details>";

    private static Html Form(string action, string csrf, string label, string css) =>
        $"<form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><button type=\"submit\" class=\"{css}\">{label}</button></form>";

    private static Html Status(string status) => $"<span class=\"status s-{status.ToLowerInvariant()}\">{status}</span>";

    private static Html Time(DateTimeOffset t) => $"<time datetime=\"{t.ToString("O", CultureInfo.InvariantCulture)}\">{t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC</time>";

    private static string Json(JsonNode? node) => Redaction.Redact(node)?.ToJsonString(Pretty) ?? "null";

    // The tail: run ids are v7 GUIDs, whose head is the same timestamp for runs created close together.
    private static string Short(Guid id) => id.ToString()[^12..];

    private static string Duration(DateTimeOffset? started, DateTimeOffset? finished)
    {
        if (started is null)
        {
            return "—";
        }

        var span = (finished ?? DateTimeOffset.UtcNow) - started.Value;
        var text = span.TotalSeconds < 60
            ? span.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s"
            : $"{(int)span.TotalMinutes} min {span.Seconds} s";
        return finished is null ? text + " (so far)" : text;
    }
}
