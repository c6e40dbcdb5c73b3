namespace McpRag.McpServer.Hosting;

/// <summary>A usage or configuration problem reported as one line on stderr with exit code 2, without a stack trace.</summary>
internal sealed class CommandLineException(string message) : Exception(message);
