namespace McpRag.Benchmarks.Beir;

/// <summary>One test query of a BEIR collection.</summary>
internal sealed record BeirQuery(string Id, string Text);
