using McpRag.Benchmarks;
using McpRag.Benchmarks.Beir;

try
{
    return await BenchCommands.RunAsync(args, CancellationToken.None);
}
catch (Exception ex) when (ex is ArgumentException or BeirFormatException or InvalidOperationException)
{
    Console.Error.WriteLine("mcprag-bench: " + ex.Message);
    return 2;
}
