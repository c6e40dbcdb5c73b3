namespace McpRag.Retrieval.Embeddings;

/// <summary>Where query and document embeddings come from when a route uses Titan Text Embeddings V2 (<c>McpRag:Bedrock</c>).</summary>
public sealed class BedrockOptions
{
    public const string Section = "McpRag:Bedrock";

    /// <summary>AWS region of the bedrock-runtime endpoint.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Endpoint override (a VPC endpoint); by default <c>https://bedrock-runtime.{Region}.amazonaws.com</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Ask Titan for unit-length vectors, so cosine and inner product agree.</summary>
    public bool Normalize { get; set; } = true;

    /// <summary>Embedding calls run at once for one batch (Titan V2 embeds one text per request).</summary>
    public int MaxConcurrency { get; set; } = 4;

    public Uri EndpointUri => Endpoint ?? new Uri($"https://bedrock-runtime.{Region}.amazonaws.com");
}
