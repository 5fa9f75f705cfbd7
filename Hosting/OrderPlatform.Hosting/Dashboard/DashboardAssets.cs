namespace OrderPlatform.Hosting.Dashboard;

/// <summary>
/// The page, its stylesheet and its script, compiled into the assembly so the dashboard needs no files on disk and
/// no front-end build. The page is a static shell; the script fills it from the JSON API using text nodes only, so
/// nothing a resource prints can become markup.
/// </summary>
internal static partial class DashboardAssets
{
    public const string PageHtml = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>OrderPlatform dashboard</title>
          <link rel="icon" href="data:,">
          <link rel="stylesheet" href="/dashboard.css">
          <script src="/dashboard.js" defer></script>
        </head>
        <body>
          <header>
            <h1>OrderPlatform</h1>
            <nav>
              <a href="#resources" data-view="resources">Resources</a>
              <a href="#console" data-view="console">Console</a>
              <a href="#environment" data-view="environment">Environment</a>
            </nav>
            <span id="summary"></span>
            <span id="status" role="status"></span>
          </header>
          <main>
            <section id="view-resources">
              <table id="resources">
                <thead>
                  <tr>
                    <th>Name</th><th>Kind</th><th>State</th><th>Health</th><th>Endpoints</th><th>Started</th>
                    <th>Restarts</th><th>PIDs</th><th>Error</th><th>Actions</th>
                  </tr>
                </thead>
                <tbody></tbody>
              </table>
            </section>
            <section id="view-console" hidden>
              <div class="toolbar">
                <label>Resource <select id="console-resource"></select></label>
                <label><input type="checkbox" id="console-follow" checked> Follow</label>
              </div>
              <pre id="console-lines" aria-live="polite"></pre>
            </section>
            <section id="view-environment" hidden>
              <div class="toolbar">
                <label>Resource <select id="environment-resource"></select></label>
                <span class="hint">Secret values are masked as ***.</span>
              </div>
              <table id="environment">
                <thead><tr><th>Name</th><th>Value</th></tr></thead>
                <tbody></tbody>
              </table>
            </section>
          </main>
        </body>
        </html>
        """;

    public const string Styles = """
        :root { --fg: #1d2330; --muted: #5b6474; --line: #dde2ea; --bg: #f6f8fb; --accent: #3b5bdb;
                --ok: #2b8a3e; --warn: #b8860b; --bad: #c92a2a; font-family: system-ui, sans-serif; font-size: 14px; }
        body { margin: 0; color: var(--fg); background: var(--bg); }
        header { display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.2rem; background: #fff;
                 border-bottom: 1px solid var(--line); }
        h1 { font-size: 1.1rem; margin: 0; }
        nav a { margin-right: 1rem; color: var(--muted); text-decoration: none; padding: .3rem 0; }
        nav a.active { color: var(--accent); border-bottom: 2px solid var(--accent); }
        #summary { color: var(--muted); }
        #status { margin-left: auto; color: var(--muted); }
        #status.error { color: var(--bad); }
        main { padding: 1rem 1.2rem; }
        table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
        th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-weight: 600; color: var(--muted); background: #fafbfd; }
        td.name a { font-weight: 600; color: var(--fg); }
        td.name a.env-link { color: var(--muted); margin-left: .6rem; font-weight: normal; font-size: .85em; }
        .state { font-weight: 600; }
        .state-Running, .state-Active, .health-Healthy { color: var(--ok); }
        .state-Waiting, .state-Starting, .state-Stopping, .state-NotStarted, .health-Unhealthy { color: var(--warn); }
        .state-Exited, .state-FailedToStart, .state-RuntimeUnhealthy { color: var(--bad); }
        .state-Finished { color: var(--muted); }
        td.error pre { margin: 0; max-width: 28rem; max-height: 6rem; overflow: auto; white-space: pre-wrap; color: var(--bad); font-size: .85em; }
        td.endpoints a { display: block; color: var(--accent); }
        td.actions button { margin-right: .3rem; }
        button { font: inherit; padding: .2rem .6rem; border: 1px solid var(--line); border-radius: 4px; background: #fff; cursor: pointer; }
        button:disabled { opacity: .4; cursor: default; }
        .toolbar { display: flex; gap: 1.5rem; align-items: center; margin-bottom: .6rem; }
        .hint { color: var(--muted); }
        #console-lines { background: #11151c; color: #d8dee9; padding: .8rem; margin: 0; height: calc(100vh - 9rem);
                         overflow: auto; font-size: 12.5px; line-height: 1.35; white-space: pre-wrap; }
        #console-lines .err { color: #ff8787; }
        #console-lines .time { color: #6c7689; margin-right: .6rem; }
        #environment td:first-child { font-family: ui-monospace, monospace; white-space: nowrap; }
        #environment td:last-child { font-family: ui-monospace, monospace; word-break: break-all; }
        """;
}
