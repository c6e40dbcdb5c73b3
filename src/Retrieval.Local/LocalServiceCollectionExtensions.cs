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
        services.AddOptions<LocalBackendOptions>().BindConfiguration(LocalBackendOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LocalBackendOptions>, LocalBackendOptionsValidator>());
        services.AddOptions<OnnxRuntimeOptions>().BindConfiguration(OnnxRuntimeOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OnnxRuntimeOptions>, OnnxRuntimeOptionsValidator>());
        services.AddSingleton<MiniLmEmbeddingGenerator>();
        services.AddSingleton<ArcticXsEmbeddingGenerator>();
        services.AddOptions<EmbeddingSchedulerOptions>().BindConfiguration(EmbeddingSchedulerOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmbeddingSchedulerOptions>, EmbeddingSchedulerOptionsValidator>());
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
