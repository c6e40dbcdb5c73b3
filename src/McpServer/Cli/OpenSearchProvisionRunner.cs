using McpRag.McpServer.Hosting;
using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;

namespace McpRag.McpServer.Cli;

/// <summary>
/// <c>mcprag opensearch provision</c>: writes the security configuration, index bodies and search pipeline for every
/// OpenSearch route of a routing table, and with <c>--apply</c> creates them on the clusters.
/// </summary>
internal sealed class OpenSearchProvisionRunner(BackendRegistry backends, OpenSearchProvisioner provisioner)
{
    /// <summary>Environment variables with cluster-admin basic credentials, which <c>--apply</c> needs.</summary>
    public const string AdminUserVariable = "MCPRAG_OPENSEARCH_ADMIN_USER";
    public const string AdminPasswordVariable = "MCPRAG_OPENSEARCH_ADMIN_PASSWORD";

    public async Task RunAsync(string tenantsFile, string outputDirectory, bool apply, CancellationToken cancellationToken)
    {
        if (!File.Exists(tenantsFile))
        {
            throw new CommandLineException($"--tenants file not found: {tenantsFile}");
        }

        var routes = TenantTable.Parse(await File.ReadAllTextAsync(tenantsFile, cancellationToken), backends.ValidateRoute).Values.ToList();
        if (OpenSearchProvisioner.ByEndpoint(routes).Count == 0)
        {
            throw new CommandLineException($"{tenantsFile} has no routes with backend 'opensearch'");
        }

        foreach (var file in provisioner.WriteFiles(routes, outputDirectory))
        {
            Console.Error.WriteLine($"wrote {Path.GetRelativePath(Directory.GetCurrentDirectory(), file)}");
        }

        if (!apply)
        {
            return;
        }

        var admin = Environment.GetEnvironmentVariable(AdminUserVariable) is { Length: > 0 }
            ? OpenSearchAuthorizers.BasicFromEnvironment(AdminUserVariable, AdminPasswordVariable)
            : null;
        if (admin is null)
        {
            throw new CommandLineException(OpenSearchProvisioner.MissingAdminCredentials);
        }

        try
        {
            foreach (var line in await provisioner.ApplyAsync(routes, admin, cancellationToken))
            {
                Console.Error.WriteLine(line);
            }
        }
        catch (Exception ex) when (ex is OpenSearchRequestException or FormatException)
        {
            throw new CommandLineException("provisioning stopped: " + ex.Message);
        }
    }
}
