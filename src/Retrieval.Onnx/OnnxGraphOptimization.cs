namespace McpRag.Retrieval.Embeddings;

/// <summary>ONNX Runtime's graph optimisation levels, named here so the core library needs no ONNX Runtime reference.</summary>
public enum OnnxGraphOptimization
{
    None,
    Basic,
    Extended,
    All,
}
