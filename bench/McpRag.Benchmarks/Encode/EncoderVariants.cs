using McpRag.Retrieval.Embeddings;

namespace McpRag.Benchmarks.Encode;

/// <summary>The settings the <c>encode</c> verb compares: ONNX Runtime's own defaults against the server's choices, one change at a time.</summary>
internal static class EncoderVariants
{
    public static IReadOnlyList<(string Name, OnnxRuntimeOptions Runtime, int BatchWindowMicroseconds)> Named(string set) => set switch
    {
        "runtime" =>
        [
            ("ONNX Runtime defaults (threads per core, spinning)", new OnnxRuntimeOptions { IntraOpThreads = 0, InterOpThreads = 0, AllowSpinning = true }, 0),
            ("threads per core, no spinning", new OnnxRuntimeOptions { IntraOpThreads = 0, InterOpThreads = 0 }, 0),
            ("intra 2, no spinning", new OnnxRuntimeOptions { IntraOpThreads = 2 }, 0),
            ("intra 1, spinning", new OnnxRuntimeOptions { AllowSpinning = true }, 0),
            ("intra 1, no spinning (default)", new OnnxRuntimeOptions(), 0),
            ("intra 1, basic graph optimisation", new OnnxRuntimeOptions { GraphOptimization = OnnxGraphOptimization.Basic }, 0),
            ("intra 1, no memory arena", new OnnxRuntimeOptions { MemoryArena = false }, 0),
        ],
        "batching" =>
        [
            ("intra 1, batching off", new OnnxRuntimeOptions(), 0),
            ("intra 1, batching 1 ms window (default)", new OnnxRuntimeOptions(), 1_000),
            ("intra 1, batching 2 ms window", new OnnxRuntimeOptions(), 2_000),
            ("ONNX Runtime defaults, batching off", new OnnxRuntimeOptions { IntraOpThreads = 0, InterOpThreads = 0, AllowSpinning = true }, 0),
        ],
        _ => throw new ArgumentException($"--set must be runtime or batching, not {set}"),
    };
}
