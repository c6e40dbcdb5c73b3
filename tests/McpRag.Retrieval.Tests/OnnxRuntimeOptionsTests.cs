using McpRag.Retrieval.Embeddings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Tests;

/// <summary>The ONNX Runtime settings change how the model runs, never what it returns; bad values stop start-up with a reason.</summary>
public sealed class OnnxRuntimeOptionsTests
{
    [Fact]
    public async Task Generate_ServerSettingsAgainstOnnxRuntimeDefaults_SameVectors()
    {
        var ct = TestContext.Current.CancellationToken;
        using var runtimeDefaults = new MiniLmEmbeddingGenerator(new OnnxRuntimeOptions { IntraOpThreads = 0, InterOpThreads = 0, AllowSpinning = true });
        string[] texts = ["refunds", "how long does a refund to my card take", "cancel contract early termination fee for business accounts"];

        var expected = await runtimeDefaults.GenerateAsync(texts, EmbeddingPurpose.Query(), ct);
        var actual = await TestData.Embeddings.GenerateAsync(texts, EmbeddingPurpose.Query(), ct);

        for (var i = 0; i < texts.Length; i++)
        {
            var a = expected[i].Vector.Span;
            var b = actual[i].Vector.Span;
            for (var d = 0; d < a.Length; d++)
            {
                Assert.True(Math.Abs(a[d] - b[d]) <= 1e-5f, $"'{texts[i]}' dimension {d}: {a[d]} against {b[d]}");
            }
        }
    }

    [Theory]
    [InlineData("McpRag:Embedding:OnnxRuntime:IntraOpThreads", "-1", "IntraOpThreads must be between 0 and 64")]
    [InlineData("McpRag:Embedding:OnnxRuntime:InterOpThreads", "65", "InterOpThreads must be between 0 and 64")]
    [InlineData("McpRag:Embedding:QueryBatchWindowMicroseconds", "-1", "QueryBatchWindowMicroseconds must be between 0 (off) and 50000")]
    [InlineData("McpRag:Embedding:QueryBatchMaxSize", "0", "QueryBatchMaxSize must be between 1 and 256")]
    public void AddLocalBackend_SettingOutOfRange_FailsWithReason(string key, string value, string reason)
    {
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build())
            .AddLocalBackend()
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => key.Contains("OnnxRuntime", StringComparison.Ordinal)
            ? services.GetRequiredService<IOptions<OnnxRuntimeOptions>>().Value
            : (object)services.GetRequiredService<IOptions<EmbeddingSchedulerOptions>>().Value);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
