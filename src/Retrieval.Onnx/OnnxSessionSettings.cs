using Microsoft.ML.OnnxRuntime;

namespace McpRag.Retrieval.Embeddings;

/// <summary>Turns <see cref="OnnxRuntimeOptions"/> into the <see cref="SessionOptions"/> a model session is created with.</summary>
public static class OnnxSessionSettings
{
    public static SessionOptions Create(OnnxRuntimeOptions options)
    {
        var session = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = options.InterOpThreads,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            EnableCpuMemArena = options.MemoryArena,
            GraphOptimizationLevel = options.GraphOptimization switch
            {
                OnnxGraphOptimization.None => GraphOptimizationLevel.ORT_DISABLE_ALL,
                OnnxGraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                OnnxGraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            },
        };
        session.AddSessionConfigEntry("session.intra_op.allow_spinning", options.AllowSpinning ? "1" : "0");
        session.AddSessionConfigEntry("session.inter_op.allow_spinning", options.AllowSpinning ? "1" : "0");
        return session;
    }
}
