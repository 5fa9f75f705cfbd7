namespace OrderPlatform.Worker.Workflows;

/// <summary>
/// <c>Workflow.Patched</c> ids of changes to the order workflow's command sequence. One per change; never renamed or
/// removed while a run recorded without it may still be replayed.
/// </summary>
public static class Patches
{
    /// <summary>A new corrections round drops answers queued before its card was sent.</summary>
    public const string DropStaleAnswers = "drop-stale-answers";
}
