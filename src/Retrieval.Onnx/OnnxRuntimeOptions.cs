using McpRag.Retrieval.Settings;

namespace McpRag.Retrieval.Embeddings;

/// <summary>
/// How the in-process model uses ONNX Runtime (<c>McpRag:Embedding:OnnxRuntime</c>). ONNX Runtime's own defaults suit
/// one caller owning the machine: every run fans out over a thread per core whose workers spin while they wait. A
/// server runs many small query encodes at once, and there those pools fight each other and spin on cores the
/// other requests need; so by default each run stays on its own thread, nothing spins, and concurrency comes from
/// concurrent calls and from batching queries together (see <see cref="EmbeddingScheduler"/>). docs/benchmarks.md
/// has the measurements behind each default.
/// </summary>
public sealed class OnnxRuntimeOptions
{
    public const string Section = "McpRag:Embedding:OnnxRuntime";

    /// <summary>Threads one model run may use for one operator (0 = ONNX Runtime's default, one per physical core).</summary>
    [SettingRange(0, 64, ErrorMessage = "McpRag:Embedding:OnnxRuntime:IntraOpThreads must be between 0 and 64 (0 = one per core)")]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Threads for independent graph branches; used only by the parallel execution mode, which these models do not need.</summary>
    [SettingRange(0, 64, ErrorMessage = "McpRag:Embedding:OnnxRuntime:InterOpThreads must be between 0 and 64 (0 = one per core)")]
    public int InterOpThreads { get; set; } = 1;

    /// <summary>Whether idle intra-op workers spin (lower latency for one caller alone, CPU burnt for everybody else).</summary>
    public bool AllowSpinning { get; set; }

    /// <summary>Graph optimisations applied when the model loads (none, basic, extended or all).</summary>
    public OnnxGraphOptimization GraphOptimization { get; set; } = OnnxGraphOptimization.All;

    /// <summary>Whether the CPU memory arena keeps and reuses buffers between runs.</summary>
    public bool MemoryArena { get; set; } = true;
}
