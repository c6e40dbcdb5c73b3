using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Tests.Conformance;

/// <summary>The embedded backend in one isolation mode, on a throw-away data folder, seeded once per test class.</summary>
public abstract class LocalConformanceBackend(TenantIsolation isolation) : ConformanceBackend
{
    private readonly string _dataDir = TestData.NewFolder();
    private LocalIndexBackend? _backend;

    public override IRetrievalBackend Backend => _backend ?? throw new InvalidOperationException("the backend is not started");

    public override TenantRoute RouteOf(string tenantId) =>
        new(tenantId, LocalIndexBackend.BackendName, isolation) { Index = isolation == TenantIsolation.Document ? "shared" : null };

    protected override ValueTask StartAsync()
    {
        _backend = new LocalIndexBackend(
            Options.Create(new StorageOptions { DataDir = _dataDir }),
            Options.Create(new LocalBackendOptions()),
            TestData.Embeddings);
        return ValueTask.CompletedTask;
    }

    public override ValueTask DisposeAsync()
    {
        _backend?.Dispose();
        Directory.Delete(_dataDir, recursive: true);
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}

public sealed class LocalDomainIsolationBackend() : LocalConformanceBackend(TenantIsolation.Domain);

public sealed class LocalIndexIsolationBackend() : LocalConformanceBackend(TenantIsolation.Index);

public sealed class LocalDocumentIsolationBackend() : LocalConformanceBackend(TenantIsolation.Document);

public sealed class LocalDomainIsolationConformanceTests(LocalDomainIsolationBackend backend) : RetrievalBackendConformanceTests<LocalDomainIsolationBackend>(backend);

public sealed class LocalIndexIsolationConformanceTests(LocalIndexIsolationBackend backend) : RetrievalBackendConformanceTests<LocalIndexIsolationBackend>(backend);

public sealed class LocalDocumentIsolationConformanceTests(LocalDocumentIsolationBackend backend) : RetrievalBackendConformanceTests<LocalDocumentIsolationBackend>(backend);
