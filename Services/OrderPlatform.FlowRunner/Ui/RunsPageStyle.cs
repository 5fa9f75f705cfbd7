namespace OrderPlatform.FlowRunner.Ui;

/// <summary>The runs page's one stylesheet, served from <c>/ui/app.css</c> so the CSP can forbid inline styles.</summary>
public static class RunsPageStyle
{
    public const string Css = """
        :root { font-family: system-ui, sans-serif; color: #1d2430; background: #f6f7f9; }
        body { margin: 0; }
        header { display: flex; justify-content: space-between; align-items: center; padding: .6rem 1.2rem; background: #1d2430; }
        header a.home { color: #fff; font-weight: 600; text-decoration: none; }
        header button { background: transparent; color: #cfd6e0; border: 1px solid #51607a; }
        main { padding: 1rem 1.2rem; max-width: 80rem; }
        h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.4rem; } h2 small { font-weight: normal; color: #5b6678; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e3e6eb; vertical-align: top; font-size: .9rem; }
        th { background: #eef0f3; font-weight: 600; }
        pre { background: #f1f3f6; padding: .5rem; overflow-x: auto; max-height: 24rem; margin: .3rem 0; font-size: .8rem; }
        pre.error { background: #fdecec; }
        .status { display: inline-block; padding: .05rem .45rem; border-radius: .6rem; font-size: .8rem; background: #e3e6eb; }
        .s-succeeded { background: #d6f5df; } .s-running, .s-queued, .s-paused { background: #dbe9ff; }
        .s-failed, .s-timeout, .s-internal_error, .s-memory_limit_exceeded, .s-quota_exceeded, .s-log_size_exceeded { background: #fbd9d9; }
        .s-canceled, .s-continued { background: #f5ecd0; }
        .tag { font-size: .75rem; color: #5b6678; border: 1px solid #c7cdd6; border-radius: .3rem; padding: 0 .3rem; }
        dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
        dl.summary dt { color: #5b6678; }
        .actions { display: flex; gap: .6rem; align-items: center; margin: 1rem 0; }
        .actions form { display: inline-flex; gap: .4rem; }
        button { font: inherit; padding: .3rem .8rem; border-radius: .3rem; border: 1px solid #9aa5b5; background: #fff; cursor: pointer; }
        button.cancel { border-color: #c0392b; color: #c0392b; }
        .notice { background: #fff7d6; padding: .5rem .8rem; border-left: 4px solid #e0b400; }
        .notice.error { background: #fdecec; border-color: #c0392b; }
        form.login { display: flex; gap: .6rem; align-items: center; }
        form.login input { font: inherit; padding: .3rem; width: 22rem; }
        .empty, .hint { color: #5b6678; }
        """;
}
