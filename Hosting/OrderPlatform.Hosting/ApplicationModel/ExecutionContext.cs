namespace OrderPlatform.Hosting.ApplicationModel;

/// <summary>Run or publish.</summary>
public enum DistributedApplicationOperation
{
    /// <summary>Start the graph.</summary>
    Run,
    /// <summary>Write a manifest or bundle and exit.</summary>
    Publish,
}

/// <summary>The only run/publish switch resources consult.</summary>
public sealed class DistributedApplicationExecutionContext(DistributedApplicationOperation operation, string? publisherName = null)
{
    /// <summary>Run or publish.</summary>
    public DistributedApplicationOperation Operation { get; } = operation;

    /// <summary>The publisher's name (<c>manifest</c>, <c>vm</c>) when publishing.</summary>
    public string? PublisherName { get; } = publisherName;

    /// <summary>True when running.</summary>
    public bool IsRunMode => Operation == DistributedApplicationOperation.Run;

    /// <summary>True when publishing.</summary>
    public bool IsPublishMode => Operation == DistributedApplicationOperation.Publish;
}
