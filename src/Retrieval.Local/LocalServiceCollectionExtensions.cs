using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Search;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval;

/// <summary>Registration of the local backend, kept in its own project so Lucene and ONNX Runtime come only with it.</summary>
public static class LocalServiceCollectionExtensions
{
    /// <summary>The embedded Lucene + MiniLM backend (<c>backend: local</c>).</summary>
    public static IServiceCollection AddLocalBackend(this IServiceCollection services)
    {
        services.AddOptions<LocalBackendOptions>().BindConfiguration(LocalBackendOptions.Section)
            .Validate(o => o.Chunking.ChunkWords is >= 20 and <= 1_000, "McpRag:Local:Chunking:ChunkWords must be between 20 and 1000")
            .Validate(o => o.Chunking.OverlapWords >= 0 && o.Chunking.OverlapWords < o.Chunking.ChunkWords, "McpRag:Local:Chunking:OverlapWords must be at least 0 and less than ChunkWords")
            .Validate(o => o.Chunking.MaxChunkChars is >= 200 and <= 20_000, "McpRag:Local:Chunking:MaxChunkChars must be between 200 and 20000")
            .Validate(o => o.RrfK is >= 1 and <= 1_000, "McpRag:Local:RrfK must be between 1 and 1000")
            .Validate(o => EmbeddingModels.IsKnown(o.Model), "McpRag:Local:Model must be one of: " + string.Join(", ", EmbeddingModels.Names))
            .Validate(o => Enum.IsDefined(o.Fusion), "McpRag:Local:Fusion must be Rrf or Linear")
            .Validate(o => o.SemanticWeight is >= 0 and <= 1, "McpRag:Local:SemanticWeight must be between 0 and 1")
            .Validate(o => o.Candidates is >= 10 and <= 10_000, "McpRag:Local:Candidates must be between 10 and 10000")
            .Validate(o => o.BatchDocuments is >= 1 and <= 10_000, "McpRag:Local:BatchDocuments must be between 1 and 10000")
            .ValidateOnStart();
        services.AddSingleton<MiniLmEmbeddingGenerator>();
        services.AddSingleton<ArcticXsEmbeddingGenerator>();
        services.AddOptions<EmbeddingSchedulerOptions>().BindConfiguration(EmbeddingSchedulerOptions.Section)
            .Validate(o => o.MaxConcurrent is >= 2 and <= 256, "McpRag:Embedding:MaxConcurrent must be between 2 and 256")
            .Validate(o => o.MaxConcurrentWrites >= 1 && o.MaxConcurrentWrites < o.MaxConcurrent, "McpRag:Embedding:MaxConcurrentWrites must be at least 1 and less than MaxConcurrent")
            .ValidateOnStart();
        services.TryAddSingleton<EmbeddingScheduler>();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => new ScheduledEmbeddingGenerator(
            sp.GetRequiredService<IOptions<LocalBackendOptions>>().Value.Model == EmbeddingModels.ArcticXs
                ? sp.GetRequiredService<ArcticXsEmbeddingGenerator>()
                : sp.GetRequiredService<MiniLmEmbeddingGenerator>(),
            sp.GetRequiredService<EmbeddingScheduler>()));
        services.AddSingleton<LocalIndexBackend>();
        services.AddSingleton<GuardedLocalBackend>();
        services.AddSingleton<IRetrievalBackend>(sp => sp.GetRequiredService<GuardedLocalBackend>());
        return services;
    }
}
