using Microsoft.EntityFrameworkCore;

namespace McpRag.McpServer.Auth.DevServer;

/// <summary>
/// The development authorization server's store (registered clients, codes, refresh tokens), in memory: a demo's
/// clients register again after a restart, as they do against any server that forgot them.
/// </summary>
internal sealed class DevAuthorizationDbContext(DbContextOptions<DevAuthorizationDbContext> options) : DbContext(options);
