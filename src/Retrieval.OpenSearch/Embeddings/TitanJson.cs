using System.Text.Json.Serialization;

namespace McpRag.Retrieval.Embeddings;

/// <summary>Source-generated JSON for the Titan request and response bodies.</summary>
[JsonSerializable(typeof(BedrockTitanEmbeddingGenerator.TitanRequest))]
[JsonSerializable(typeof(BedrockTitanEmbeddingGenerator.TitanResponse))]
internal sealed partial class TitanJson : JsonSerializerContext;
