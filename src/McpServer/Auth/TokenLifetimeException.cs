using Microsoft.IdentityModel.Tokens;

namespace McpRag.McpServer.Auth;

/// <summary>A lifetime rule of <see cref="TokenLifetimeRules"/> failed; the message is the reason given to the caller as it is.</summary>
internal sealed class TokenLifetimeException(string message) : SecurityTokenInvalidLifetimeException(message);
