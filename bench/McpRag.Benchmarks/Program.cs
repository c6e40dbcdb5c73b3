using System.CommandLine;
using McpRag.Benchmarks;
using McpRag.Benchmarks.Beir;

var parse = BenchCommands.Build().Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine("mcprag-bench: " + error.Message);
    }

    Console.Error.WriteLine("mcprag-bench: see --help");
    return 2;
}

try
{
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception ex) when (ex is ArgumentException or BeirFormatException or InvalidOperationException)
{
    Console.Error.WriteLine("mcprag-bench: " + ex.Message);
    return 2;
}
