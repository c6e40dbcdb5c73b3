using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpRag.McpServer.Auth;

/// <summary>
/// Rules on the shape of a signed token that the JWT library leaves to the application, run as its type validator
/// on both transports. A token is refused when it names critical header extensions (<c>crit</c>, RFC 7515 §4.1.11:
/// none are understood here), declares a type other than an access token or plain JWT, or repeats a member name in
/// its header or claims: with duplicates, which tenant the token names depends on the parser, so it names none.
/// Key-location headers (<c>jku</c>, <c>x5u</c>, <c>jwk</c>, <c>x5c</c>) are never followed: keys come only from configuration.
/// </summary>
internal static class TokenShapeRules
{
    private static readonly HashSet<string> AcceptedTypes = new(StringComparer.OrdinalIgnoreCase) { "JWT", "at+jwt", "application/at+jwt" };

    /// <summary>A <see cref="TypeValidator"/>: returns the type, or throws <see cref="SecurityTokenInvalidTypeException"/>.</summary>
    public static string Validate(string? type, SecurityToken securityToken, TokenValidationParameters parameters)
    {
        if (securityToken is not JsonWebToken jwt)
        {
            throw new SecurityTokenInvalidTypeException("not a JWS compact token");
        }

        if (jwt.TryGetHeaderValue<object>("crit", out _))
        {
            throw new SecurityTokenInvalidTypeException("critical header extensions are not supported");
        }

        if (type is not null && !AcceptedTypes.Contains(type))
        {
            throw new SecurityTokenInvalidTypeException("token type is not accepted");
        }

        if (HasDuplicateMembers(jwt.EncodedHeader) || HasDuplicateMembers(jwt.EncodedPayload))
        {
            throw new SecurityTokenInvalidTypeException("token repeats a member name");
        }

        return type ?? "JWT";
    }

    /// <summary>Whether the base64url JSON object repeats a member name at any level.</summary>
    public static bool HasDuplicateMembers(string encoded)
    {
        byte[] json;
        try
        {
            json = Base64UrlEncoder.DecodeBytes(encoded);
        }
        catch (FormatException)
        {
            return true;
        }

        var reader = new Utf8JsonReader(json);
        var scopes = new Stack<HashSet<string>?>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        scopes.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.StartArray:
                        scopes.Push(null);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        scopes.Pop();
                        break;
                    case JsonTokenType.PropertyName when scopes.Peek() is { } names && !names.Add(reader.GetString()!):
                        return true;
                }
            }
        }
        catch (JsonException)
        {
            return true;
        }

        return false;
    }
}
