using McpRag.Retrieval.Portability;
using McpRag.Retrieval.Tenancy;

namespace McpRag.McpServer.Cli;

/// <summary>
/// <c>mcprag import --tenant ID FILE</c>: loads an export file into the backend the tenant's route names. The file must
/// hold that tenant's documents (a restore never lands in another tenant by a typo); documents already stored
/// unchanged are skipped, so importing twice changes nothing and an interrupted import is resumed by running it again.
/// Documents the tenant has that the file does not are kept.
/// </summary>
internal sealed class ImportRunner(ITenantDirectory directory, TenantImporter importer)
{
    public async Task<long> RunAsync(string tenantId, string file, CancellationToken cancellationToken)
    {
        var route = await directory.FindAsync(tenantId, cancellationToken)
            ?? throw new Hosting.CommandLineException($"tenant '{tenantId}' is not in the routing table");
        var (header, documents) = await TenantExportFile.ReadAsync(file, cancellationToken);
        if (header.Tenant != tenantId)
        {
            throw new Hosting.CommandLineException($"{file} holds the documents of tenant '{header.Tenant}', not '{tenantId}'");
        }

        return await importer.ImportAsync(route, documents, header.Model, cancellationToken);
    }
}
