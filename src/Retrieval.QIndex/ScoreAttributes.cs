namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>The service's confidence bucket for a passage: <c>VERY_HIGH</c>, <c>HIGH</c>, <c>MEDIUM</c>, <c>LOW</c> or <c>NOT_AVAILABLE</c>.</summary>
public sealed record ScoreAttributes(string? ScoreConfidence);
