using System.Text.RegularExpressions;

namespace McpRag.Retrieval.Tests.QIndex;

/// <summary>The parts of an <c>AWS4-HMAC-SHA256</c> Authorization header.</summary>
internal sealed partial record SigV4Authorization(string AccessKey, string Date, string Region, string Service, string SignedHeaders, string Signature)
{
    public string Scope => $"{Date}/{Region}/{Service}/aws4_request";

    public static SigV4Authorization? Parse(string header)
    {
        var match = Pattern().Match(header);
        return match.Success
            ? new SigV4Authorization(match.Groups["key"].Value, match.Groups["date"].Value, match.Groups["region"].Value, match.Groups["service"].Value, match.Groups["signed"].Value, match.Groups["sig"].Value)
            : null;
    }

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<key>[^/]+)/(?<date>\d{8})/(?<region>[^/]+)/(?<service>[^/]+)/aws4_request, ?SignedHeaders=(?<signed>[^,]+), ?Signature=(?<sig>[0-9a-f]{64})$")]
    private static partial Regex Pattern();
}
