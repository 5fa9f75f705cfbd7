using OrderPlatform.Contracts;

namespace OrderPlatform.Cases;

public sealed class CaseNotFoundException(string caseId) : Exception($"Case {caseId} does not exist.")
{
    public string CaseId { get; } = caseId;
}

public sealed class CaseAlreadyExistsException(string caseId) : Exception($"Case {caseId} already exists.")
{
    public string CaseId { get; } = caseId;
}

/// <summary>Someone else wrote the case since it was read; read it again and reapply the change.</summary>
public sealed class CaseConcurrencyException(string caseId, long expected)
    : Exception($"Case {caseId} changed since version {expected} was read.")
{
    public string CaseId { get; } = caseId;
}

public sealed class InvalidCaseTransitionException(string caseId, CaseStatus from, CaseStatus to)
    : Exception($"Case {caseId} cannot go from {from} to {to}.")
{
    public CaseStatus From { get; } = from;

    public CaseStatus To { get; } = to;
}
