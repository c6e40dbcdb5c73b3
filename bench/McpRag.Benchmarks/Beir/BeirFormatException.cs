namespace McpRag.Benchmarks.Beir;

/// <summary>A collection folder that does not follow the BEIR layout; the message names the file and line.</summary>
internal sealed class BeirFormatException(string message) : Exception(message);
