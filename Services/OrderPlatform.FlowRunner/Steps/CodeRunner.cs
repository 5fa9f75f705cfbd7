using System.Text.Json.Nodes;
using Acornima.Ast;
using Jint;
using Jint.Runtime;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace OrderPlatform.FlowRunner.Steps;

/// <summary>
/// The code step: JavaScript in a fresh Jint engine per run of the step, with memory, wall-clock, statement and
/// recursion limits, and no CLR access (Jint exposes none unless asked). The source is a function body; <c>input</c> is
/// the step's resolved input; the return value, JSON-serialised, is the output. Each limit ends the step with its own
/// failure type, and the engine runs on a pool thread so the worker's loop keeps its own. The parsed script is
/// shared across runs (Jint's prepared scripts are immutable ASTs; the engine, which holds all state, stays per run),
/// keyed by the source text (an edited draft gets an entry of its own) and bounded like the definition cache.
/// </summary>
public sealed class CodeRunner(IOptions<FlowRunnerOptions> options) : IDisposable
{
    // The serialiser call is prepared too: no script is parsed per run once the step's source is cached.
    private static readonly Prepared<Script> Stringify = Engine.PrepareScript("JSON.stringify(__result)", strict: true);
    private readonly MemoryCache _scripts = new(new MemoryCacheOptions { SizeLimit = options.Value.DefinitionCacheSize });

    public static string Wrap(string source) => $"(function (input) {{\n{source}\n}})(JSON.parse(__input))";

    public void Dispose() => _scripts.Dispose();

    public Task<JsonNode?> RunAsync(string source, JsonNode? input, CancellationToken ct) => Task.Run(() => Run(source, input, ct), ct);

    private JsonNode? Run(string source, JsonNode? input, CancellationToken ct)
    {
        var limits = options.Value.Code;
        var engine = new Engine(o => o
            .LimitMemory(limits.MemoryBytes)
            .TimeoutInterval(limits.Timeout)
            .MaxStatements(limits.MaxStatements)
            .LimitRecursion(limits.MaxRecursion)
            .CancellationToken(ct)
            .Strict());
        try
        {
            engine.SetValue("__input", input?.ToJsonString() ?? "null");
            var result = engine.Evaluate(Prepare(source));
            if (result.IsUndefined())
            {
                return null;
            }

            engine.SetValue("__result", result);
            return JsonNode.Parse(engine.Evaluate(Stringify).AsString());
        }
        catch (MemoryLimitExceededException)
        {
            throw new StepFailure("CODE_MEMORY_LIMIT", $"The code used more than {limits.MemoryBytes} bytes.", runStatus: Runs.RunStatus.MemoryLimitExceeded);
        }
        catch (TimeoutException)
        {
            throw new StepFailure("CODE_TIMEOUT", $"The code ran longer than {limits.Timeout.TotalSeconds} s.");
        }
        catch (StatementsCountOverflowException)
        {
            throw new StepFailure("CODE_STATEMENT_LIMIT", $"The code ran more than {limits.MaxStatements} statements.");
        }
        catch (RecursionDepthOverflowException)
        {
            throw new StepFailure("CODE_RECURSION_LIMIT", $"The code recursed deeper than {limits.MaxRecursion} calls.");
        }
        catch (ExecutionCanceledException)
        {
            throw new OperationCanceledException(ct);
        }
        catch (JavaScriptException e)
        {
            throw new StepFailure("CODE_ERROR", $"The code threw: {e.Message}");
        }
        catch (Exception e) when (e is Acornima.ParseErrorException or JintException)
        {
            throw new StepFailure("CODE_ERROR", $"The code failed: {e.Message}");
        }
    }

    private Prepared<Script> Prepare(string source)
    {
        if (_scripts.TryGetValue(source, out Prepared<Script> prepared))
        {
            return prepared;
        }

        prepared = Engine.PrepareScript(Wrap(source), strict: true);
        _scripts.Set(source, prepared, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(1) });
        return prepared;
    }
}
