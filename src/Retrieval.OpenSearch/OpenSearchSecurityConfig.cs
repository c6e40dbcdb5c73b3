using System.Text.Json.Nodes;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// The fine-grained access control a set of routes needs on one OpenSearch endpoint: one role per tenant on its index
/// (with document-level security on the tenant field when the index is shared), a mapping from the backend role in the
/// server's token (the tenant id) to that role, and the <c>jwt_auth_domain</c> that trusts the server's public key.
/// The same objects are written as the plugin's YAML files and sent to its REST API.
/// </summary>
public sealed class OpenSearchSecurityConfig
{
    /// <summary>Index actions a tenant role allows: search and fetch, and the writes behind <c>upsert_document</c>/<c>delete_document</c>.</summary>
    public static readonly string[] IndexActions =
    [
        "read", "indices:admin/mappings/get", "indices:data/write/index", "indices:data/write/delete", "indices:data/write/bulk*",
    ];

    /// <summary>
    /// Cluster actions a tenant role allows: bulk (checked at cluster level), and reading the version (<c>GET /</c>) and
    /// plugins (<c>GET /_nodes/plugins</c>) that choose the route's query strategy. Nothing that creates or changes.
    /// </summary>
    public static readonly string[] ClusterActions = ["indices:data/write/bulk", "cluster:monitor/main", "cluster:monitor/nodes/info"];

    private OpenSearchSecurityConfig(IReadOnlyDictionary<string, JsonObject> roles, IReadOnlyDictionary<string, JsonObject> mappings, JsonObject jwtAuthDomain)
    {
        Roles = roles;
        RoleMappings = mappings;
        JwtAuthDomain = jwtAuthDomain;
    }

    public IReadOnlyDictionary<string, JsonObject> Roles { get; }

    public IReadOnlyDictionary<string, JsonObject> RoleMappings { get; }

    public JsonObject JwtAuthDomain { get; }

    /// <summary>Builds the configuration for the routes of one endpoint.</summary>
    public static OpenSearchSecurityConfig For(IReadOnlyList<OpenSearchRoute> routes, string issuer, string publicKeyPem)
    {
        var roles = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        var mappings = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var route in routes.OrderBy(r => r.TenantId, StringComparer.Ordinal))
        {
            // One role per tenant: a second tenant on the same role would silently replace the first one's DLS and mapping.
            if (owners.TryGetValue(route.Role, out var owner) && owner != route.TenantId)
            {
                throw new FormatException($"tenants '{owner}' and '{route.TenantId}' map to the same OpenSearch role '{route.Role}'; give one of them its own \"role\"");
            }

            owners[route.Role] = route.TenantId;
            var permission = new JsonObject { ["index_patterns"] = new JsonArray(route.Index) };
            if (route.FiltersOnTenant)
            {
                // DLS on the literal tenant: the role is the tenant's own, so a mapping mistake cannot widen it.
                permission["dls"] = new JsonObject { ["term"] = new JsonObject { [route.TenantField] = route.TenantId } }.ToJsonString();
            }

            permission["allowed_actions"] = new JsonArray(IndexActions.Select(a => (JsonNode)JsonValue.Create(a)).ToArray());
            roles[route.Role] = new JsonObject
            {
                ["description"] = $"McpRag tenant {route.TenantId} ({route.Isolation.ToString().ToLowerInvariant()} isolation)",
                ["cluster_permissions"] = new JsonArray(ClusterActions.Select(a => (JsonNode)JsonValue.Create(a)).ToArray()),
                ["index_permissions"] = new JsonArray(permission),
            };
            mappings[route.Role] = new JsonObject
            {
                ["description"] = $"The server's token for tenant {route.TenantId} carries the tenant id in its roles claim",
                ["backend_roles"] = new JsonArray(route.TenantId),
            };
        }

        var audiences = string.Join(',', routes.Select(r => r.Audience).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        var domain = new JsonObject
        {
            ["description"] = "McpRag server tokens (RS256, minted per call; sub = caller, roles = tenant id)",
            ["http_enabled"] = true,
            ["transport_enabled"] = false,
            ["order"] = 0,
            ["http_authenticator"] = new JsonObject
            {
                ["type"] = "jwt",
                ["challenge"] = false,
                ["config"] = new JsonObject
                {
                    ["signing_key"] = publicKeyPem.Trim(),
                    ["jwt_header"] = "Authorization",
                    ["jwt_clock_skew_tolerance_seconds"] = 30,
                    ["roles_key"] = DownstreamTokenIssuer.RolesClaim,
                    ["subject_key"] = "sub",
                    ["required_audience"] = audiences,
                    ["required_issuer"] = issuer,
                },
            },
            ["authentication_backend"] = new JsonObject { ["type"] = "noop" },
        };
        return new OpenSearchSecurityConfig(roles, mappings, domain);
    }

    public string RolesYaml()
    {
        var root = new JsonObject { ["_meta"] = Meta("roles") };
        foreach (var (name, role) in Roles)
        {
            var entry = new JsonObject { ["reserved"] = false };
            foreach (var (key, value) in role)
            {
                entry[key] = value!.DeepClone();
            }

            root[name] = entry;
        }

        return YamlWriter.Write(root, "McpRag tenant roles, generated by 'mcprag opensearch provision'.");
    }

    public string RolesMappingYaml()
    {
        var root = new JsonObject { ["_meta"] = Meta("rolesmapping") };
        foreach (var (name, mapping) in RoleMappings)
        {
            root[name] = new JsonObject
            {
                ["reserved"] = false,
                ["hidden"] = false,
                ["backend_roles"] = mapping["backend_roles"]!.DeepClone(),
                ["hosts"] = new JsonArray(),
                ["users"] = new JsonArray(),
                ["and_backend_roles"] = new JsonArray(),
                ["description"] = mapping["description"]!.DeepClone(),
            };
        }

        return YamlWriter.Write(root, "McpRag role mappings, generated by 'mcprag opensearch provision'.");
    }

    public string ConfigYaml() => YamlWriter.Write(
        new JsonObject
        {
            ["_meta"] = Meta("config"),
            ["config"] = new JsonObject
            {
                ["dynamic"] = new JsonObject { ["authc"] = new JsonObject { ["jwt_auth_domain"] = JwtAuthDomain.DeepClone() } },
            },
        },
        "The jwt_auth_domain McpRag needs: merge this block into config.dynamic.authc of the cluster's config.yml\n(keep the other auth domains), then apply it with securityadmin.sh or the security REST API.");

    private static JsonObject Meta(string type) => new() { ["type"] = type, ["config_version"] = 2 };

}
