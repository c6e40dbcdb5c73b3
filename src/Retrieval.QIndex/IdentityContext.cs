using System.Buffers.Text;
using System.Text.Json;

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// Reads the IAM Identity Center identity context from a <c>CreateTokenWithIAM</c> answer: the newer
/// <c>awsAdditionalDetails.identityContext</c> when present, else the <c>sts:identity_context</c> claim of the
/// returned ID token. The token came straight from Identity Center over TLS and is only read, never trusted for
/// anything else, so its signature is not checked here.
/// </summary>
public static class IdentityContext
{
    public const string Claim = "sts:identity_context";

    public static string? From(string? additionalDetailsContext, string? idToken)
    {
        if (!string.IsNullOrEmpty(additionalDetailsContext))
        {
            return additionalDetailsContext;
        }

        var parts = idToken?.Split('.');
        if (parts is not { Length: 3 })
        {
            return null;
        }

        try
        {
            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            return payload.RootElement.ValueKind == JsonValueKind.Object
                && payload.RootElement.TryGetProperty(Claim, out var context)
                && context.ValueKind == JsonValueKind.String
                && context.GetString() is { Length: > 0 } value
                    ? value
                    : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }
}
