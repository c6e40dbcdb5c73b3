using System.CommandLine;
using McpRag.Retrieval.Search;

namespace McpRag.Benchmarks.Tests;

/// <summary>The bench verbs refuse what they do not know before running anything, and read lists and defaults.</summary>
public sealed class BenchCommandsTests
{
    [Theory]
    [InlineData("load --bogus 1", "--bogus")]
    [InlineData("load --clients 1,x", "'x' is not a valid value")]
    [InlineData("scale --sizes -5", "'-5' is not a valid value")]
    [InlineData("eval --dataset d --modes keyword,fuzzy", "'fuzzy' is not a valid value")]
    [InlineData("eval", "'--dataset' is required")]
    [InlineData("benchmark-everything", "benchmark-everything")]
    public void Parse_BadArguments_ReportsTheReason(string line, string reason)
    {
        var result = BenchCommands.Build().Parse(line);

        Assert.Contains(result.Errors, e => e.Message.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ListsAndDefaults_GivesTypedValues()
    {
        var load = BenchCommands.Build().Parse("load --clients 2,8 --no-peer");
        var eval = BenchCommands.Build().Parse("eval --dataset d --modes Keyword,hybrid");

        Assert.Empty(load.Errors);
        Assert.Equal([2, 8], load.GetValue<int[]>("--clients")!);
        Assert.Equal(300, load.GetValue<int>("--calls"));
        Assert.True(load.GetValue<bool>("--no-peer"));
        Assert.Empty(eval.Errors);
        Assert.Equal([SearchMode.Keyword, SearchMode.Hybrid], eval.GetValue<SearchMode[]>("--modes")!);
    }
}
