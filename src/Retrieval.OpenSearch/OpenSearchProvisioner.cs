using System.Text.Json.Nodes;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// Prepares OpenSearch for a routing table: per endpoint, the security configuration files (roles, role mappings,
/// <c>jwt_auth_domain</c>), the index bodies and the hybrid search pipeline; and, when asked, creates the indexes and
/// pipeline and applies the roles through the security REST API.
/// </summary>
public sealed class OpenSearchProvisioner(IOpenSearchClient client, DownstreamSigningKey signingKey, IOptions<OpenSearchOptions> options)
{
    /// <summary>Routes grouped by endpoint: each domain gets only its own tenants' roles, never other domains' tenant names.</summary>
    public static IReadOnlyList<(Uri Endpoint, IReadOnlyList<OpenSearchRoute> Routes)> ByEndpoint(IEnumerable<TenantRoute> routes) =>
        routes.Where(r => string.Equals(r.Backend, OpenSearchBackend.BackendName, StringComparison.OrdinalIgnoreCase))
            .Select(OpenSearchRoute.Of)
            .GroupBy(r => r.Endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/'), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (new Uri(g.Key), (IReadOnlyList<OpenSearchRoute>)g.ToList()))
            .ToList();

    /// <summary>Writes one folder per endpoint (named after its host) and returns the files written.</summary>
    public IReadOnlyList<string> WriteFiles(IEnumerable<TenantRoute> routes, string outputDirectory)
    {
        var written = new List<string>();
        foreach (var (endpoint, group) in ByEndpoint(routes))
        {
            var folder = Path.Combine(outputDirectory, FolderName(endpoint));
            Directory.CreateDirectory(Path.Combine(folder, "indexes"));
            var security = OpenSearchSecurityConfig.For(group, options.Value.Issuer, signingKey.PublicKeyPem);
            written.Add(Write(Path.Combine(folder, "roles.yml"), security.RolesYaml()));
            written.Add(Write(Path.Combine(folder, "roles_mapping.yml"), security.RolesMappingYaml()));
            written.Add(Write(Path.Combine(folder, "config.yml"), security.ConfigYaml()));
            written.Add(Write(Path.Combine(folder, $"search-pipeline.{options.Value.HybridPipeline}.json"), Pretty(OpenSearchQueries.HybridPipeline(options.Value.HybridKeywordWeight))));
            foreach (var index in group.GroupBy(r => r.Index, StringComparer.Ordinal))
            {
                written.Add(Write(Path.Combine(folder, "indexes", index.Key + ".json"), Pretty(OpenSearchQueries.CreateIndex(index.First()))));
            }
        }

        return written;
    }

    /// <summary>
    /// Creates each route's index (unless it exists) and the hybrid pipeline, and puts the roles and role mappings
    /// through the security REST API. All of these are cluster-level operations, so they run only with the cluster-admin
    /// credentials: a tenant's credentials (and the generated least-privilege roles) are never used for them. An index
    /// whose engine and space type the cluster's version cannot create is refused before anything is sent.
    /// Returns one line per action, for the operator.
    /// </summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(IEnumerable<TenantRoute> routes, IOpenSearchAuthorizer? admin, CancellationToken cancellationToken)
    {
        if (admin is null)
        {
            throw new FormatException(MissingAdminCredentials);
        }

        var report = new List<string>();
        foreach (var (endpoint, group) in ByEndpoint(routes))
        {
            var target = new OpenSearchTarget(endpoint, admin);
            var cluster = await client.GetClusterAsync(target, cancellationToken);
            foreach (var route in group)
            {
                if (OpenSearchCapabilities.Choose(route, cluster).Error is { } error)
                {
                    throw new FormatException($"tenant '{route.TenantId}' on {endpoint.Host}: {error}");
                }
            }

            foreach (var index in group.GroupBy(r => r.Index, StringComparer.Ordinal))
            {
                var created = await client.CreateIndexAsync(target, index.Key, OpenSearchQueries.CreateIndex(index.First()), cancellationToken);
                report.Add($"{endpoint.Host}: index {index.Key} {(created ? "created" : "already exists")}");
            }

            await client.PutSearchPipelineAsync(target, options.Value.HybridPipeline, OpenSearchQueries.HybridPipeline(options.Value.HybridKeywordWeight), cancellationToken);
            report.Add($"{endpoint.Host}: search pipeline {options.Value.HybridPipeline} put");
            var security = OpenSearchSecurityConfig.For(group, options.Value.Issuer, signingKey.PublicKeyPem);
            foreach (var (name, role) in security.Roles)
            {
                await client.PutSecurityResourceAsync(target, "roles", name, (JsonObject)role.DeepClone(), cancellationToken);
                await client.PutSecurityResourceAsync(target, "rolesmapping", name, (JsonObject)security.RoleMappings[name].DeepClone(), cancellationToken);
                report.Add($"{endpoint.Host}: role {name} and its mapping put");
            }
        }

        return report;
    }

    /// <summary>The one line an operator sees when <c>--apply</c> has no cluster-admin credentials.</summary>
    public const string MissingAdminCredentials =
        "--apply creates indexes, the hybrid search pipeline and the tenant roles, which need cluster-admin credentials: set MCPRAG_OPENSEARCH_ADMIN_USER and MCPRAG_OPENSEARCH_ADMIN_PASSWORD (tenant credentials are never used for cluster-level operations)";

    private static string FolderName(Uri endpoint) =>
        endpoint.IsDefaultPort ? endpoint.Host : endpoint.Host + "_" + endpoint.Port;

    private static string Pretty(JsonNode node) => node.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n";

    private static string Write(string path, string content)
    {
        File.WriteAllText(path, content);
        return path;
    }
}
