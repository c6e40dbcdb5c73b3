using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Tests;

/// <summary>The conformance suite against the embedded backend, once per isolation mode.</summary>
public abstract class LocalBackendConformanceTests : RetrievalBackendConformanceTests, IDisposable
{
    private readonly string _dataDir = TestData.NewFolder();
    private readonly LocalIndexBackend _backend;

    protected LocalBackendConformanceTests()
    {
        _backend = new LocalIndexBackend(
            Options.Create(new StorageOptions { DataDir = _dataDir }),
            Options.Create(new LocalBackendOptions()),
            TestData.Embeddings);
    }

    protected override IRetrievalBackend Backend => _backend;

    protected abstract TenantIsolation Isolation { get; }

    protected override TenantRoute RouteOf(string tenantId) =>
        new(tenantId, LocalIndexBackend.BackendName, Isolation) { Index = Isolation == TenantIsolation.Document ? "shared" : null };

    public void Dispose()
    {
        _backend.Dispose();
        Directory.Delete(_dataDir, recursive: true);
        GC.SuppressFinalize(this);
    }
}

public sealed class LocalDomainIsolationConformanceTests : LocalBackendConformanceTests
{
    protected override TenantIsolation Isolation => TenantIsolation.Domain;
}

public sealed class LocalIndexIsolationConformanceTests : LocalBackendConformanceTests
{
    protected override TenantIsolation Isolation => TenantIsolation.Index;
}

public sealed class LocalDocumentIsolationConformanceTests : LocalBackendConformanceTests
{
    protected override TenantIsolation Isolation => TenantIsolation.Document;
}
