using McpRag.Retrieval.Embeddings;

namespace McpRag.Retrieval.Tests;

/// <summary>The ONNX Runtime settings change how the model runs, never what it returns (start-up validation is in OptionsValidationTests).</summary>
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
}
