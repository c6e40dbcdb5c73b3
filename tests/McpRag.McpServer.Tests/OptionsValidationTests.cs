using McpRag.McpServer.Throttling;
using McpRag.Retrieval;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Backends.QIndex;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Tests;

/// <summary>
/// Each setting the retrieval registrations validate is refused at start-up with exactly its one-line reason (no
/// member-name prefix, nothing else), whether the rule is an attribute or a cross-field rule of the options class.
/// </summary>
public sealed class OptionsValidationTests
{
    public static TheoryData<string, string, string> Settings => new()
    {
        { "McpRag:Throttling:Store", "memcached", "McpRag:Throttling:Store must be 'local' or 'redis'" },
        { "McpRag:Throttling:Store", "redis", "McpRag:Throttling:Redis must name the Redis server when Store is 'redis'" },
        { "McpRag:Throttling:DefaultQuota:Burst", "0", "McpRag:Throttling:DefaultQuota values must all be at least 1" },
        { "McpRag:Local:Chunking:ChunkWords", "1001", "McpRag:Local:Chunking:ChunkWords must be between 20 and 1000" },
        { "McpRag:Local:Chunking:OverlapWords", "180", "McpRag:Local:Chunking:OverlapWords must be at least 0 and less than ChunkWords" },
        { "McpRag:Local:Chunking:MaxChunkChars", "100", "McpRag:Local:Chunking:MaxChunkChars must be between 200 and 20000" },
        { "McpRag:Local:RrfK", "0", "McpRag:Local:RrfK must be between 1 and 1000" },
        { "McpRag:Local:Fusion", "7", "McpRag:Local:Fusion must be ZScore, Linear or Rrf" },
        { "McpRag:Local:Candidates", "5", "McpRag:Local:Candidates must be between 10 and 10000" },
        { "McpRag:Local:BatchDocuments", "0", "McpRag:Local:BatchDocuments must be between 1 and 10000" },
        { "McpRag:Embedding:MaxConcurrent", "257", "McpRag:Embedding:MaxConcurrent must be between 2 and 256" },
        { "McpRag:Embedding:MaxConcurrentWrites", "256", "McpRag:Embedding:MaxConcurrentWrites must be at least 1 and less than MaxConcurrent" },
        { "McpRag:Embedding:QueryBatchWindowMicroseconds", "-1", "McpRag:Embedding:QueryBatchWindowMicroseconds must be between 0 (off) and 50000" },
        { "McpRag:Embedding:QueryBatchMaxSize", "0", "McpRag:Embedding:QueryBatchMaxSize must be between 1 and 256" },
        { "McpRag:Embedding:OnnxRuntime:IntraOpThreads", "-1", "McpRag:Embedding:OnnxRuntime:IntraOpThreads must be between 0 and 64 (0 = one per core)" },
        { "McpRag:Embedding:OnnxRuntime:InterOpThreads", "65", "McpRag:Embedding:OnnxRuntime:InterOpThreads must be between 0 and 64 (0 = one per core)" },
        { "McpRag:OpenSearch:TokenLifetime", "00:00:00", "McpRag:OpenSearch:TokenLifetime must be more than 0 and at most 00:05:00" },
        { "McpRag:OpenSearch:TokenLifetime", "00:05:01", "McpRag:OpenSearch:TokenLifetime must be more than 0 and at most 00:05:00" },
        { "McpRag:OpenSearch:Issuer", " ", "McpRag:OpenSearch:Issuer must not be empty" },
        { "McpRag:OpenSearch:SigningKeyFile", "/nonexistent/key.pem", "McpRag:OpenSearch:SigningKeyFile names a file that does not exist" },
        { "McpRag:OpenSearch:HybridPipeline", "Has Spaces", "McpRag:OpenSearch:HybridPipeline must be 1-128 of a-z, 0-9, '-', '_' and '.'" },
        { "McpRag:OpenSearch:HybridKeywordWeight", "1", "McpRag:OpenSearch:HybridKeywordWeight must be between 0 and 1 (exclusive)" },
        { "McpRag:OpenSearch:HybridKeywordWeight", "0", "McpRag:OpenSearch:HybridKeywordWeight must be between 0 and 1 (exclusive)" },
        { "McpRag:OpenSearch:RrfK", "1001", "McpRag:OpenSearch:RrfK must be between 1 and 1000" },
        { "McpRag:OpenSearch:BulkDocuments", "0", "McpRag:OpenSearch:BulkDocuments must be between 1 and 1000" },
        { "McpRag:OpenSearch:BulkRetries", "11", "McpRag:OpenSearch:BulkRetries must be between 0 and 10" },
        { "McpRag:OpenSearch:BulkRetryDelay", "00:00:31", "McpRag:OpenSearch:BulkRetryDelay must be between 00:00:00 and 00:00:30" },
        { "McpRag:Bedrock:Region", "", "McpRag:Bedrock:Region must not be empty" },
        { "McpRag:Bedrock:Endpoint", "http://bedrock.example.com", "McpRag:Bedrock:Endpoint must be an https URL" },
        { "McpRag:Bedrock:MaxConcurrency", "65", "McpRag:Bedrock:MaxConcurrency must be between 1 and 64" },
        { "McpRag:Tenants:DynamoDb:CacheTtl", "01:00:01", "McpRag:Tenants:DynamoDb:CacheTtl must be between 00:00:00 and 01:00:00" },
        { "McpRag:Tenants:DynamoDb:Region", " ", "McpRag:Tenants:DynamoDb:Region must not be empty" },
        { "McpRag:QIndex:RetryBaseDelay", "00:00:31", "McpRag:QIndex:RetryBaseDelay must be between 0 and 00:00:30" },
        { "McpRag:QIndex:RequestTimeout", "00:00:00", "McpRag:QIndex:RequestTimeout must be more than 0 and at most 00:05:00" },
        { "McpRag:QIndex:RefreshBeforeExpiry", "01:00:00", "McpRag:QIndex:RefreshBeforeExpiry must be at least 0 and less than SessionDuration" },
        { "McpRag:QIndex:RecentResultsLifetime", "1.00:00:01", "McpRag:QIndex:RecentResultsLifetime must be more than 0 and at most 1.00:00:00" },
        { "McpRag:QIndex:RecentDocumentsPerCaller", "0", "McpRag:QIndex:RecentDocumentsPerCaller must be between 1 and 10000" },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Options_InvalidSetting_FailsWithExactlyItsReason(string key, string value, string reason)
    {
        using var services = Services(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => ValueOf(services, key));

        Assert.Equal(reason, Assert.Single(error.Failures));
    }

    [Fact]
    public void Options_Defaults_AreValid()
    {
        using var services = Services([]);

        foreach (var key in new[] { "McpRag:Throttling:", "McpRag:Local:", "McpRag:Embedding:", "McpRag:Embedding:OnnxRuntime:", "McpRag:OpenSearch:", "McpRag:Bedrock:", "McpRag:Tenants:DynamoDb:", "McpRag:QIndex:" })
        {
            Assert.NotNull(ValueOf(services, key));
        }
    }

    private static object ValueOf(IServiceProvider services, string key) => key switch
    {
        _ when key.StartsWith("McpRag:Throttling:", StringComparison.Ordinal) => services.GetRequiredService<IOptions<ThrottlingOptions>>().Value,
        _ when key.StartsWith("McpRag:Local:", StringComparison.Ordinal) => services.GetRequiredService<IOptions<LocalBackendOptions>>().Value,
        _ when key.StartsWith("McpRag:Embedding:OnnxRuntime:", StringComparison.Ordinal) => services.GetRequiredService<IOptions<OnnxRuntimeOptions>>().Value,
        _ when key.StartsWith("McpRag:Embedding:", StringComparison.Ordinal) => services.GetRequiredService<IOptions<EmbeddingSchedulerOptions>>().Value,
        _ when key.StartsWith("McpRag:OpenSearch:", StringComparison.Ordinal) => services.GetRequiredService<IOptions<OpenSearchOptions>>().Value,
        _ when key.StartsWith("McpRag:Bedrock:", StringComparison.Ordinal) => services.GetRequiredService<IOptions<BedrockOptions>>().Value,
        _ when key.StartsWith("McpRag:Tenants:DynamoDb:", StringComparison.Ordinal) => services.GetRequiredService<IOptions<DynamoDbTenantDirectoryOptions>>().Value,
        _ => services.GetRequiredService<IOptions<QIndexOptions>>().Value,
    };

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddLogging();
        services.AddRetrieval().AddThrottling().AddLocalBackend().AddOpenSearchBackend().AddQIndexBackend().AddDynamoDbTenantDirectory();
        return services.BuildServiceProvider();
    }
}
