using System.Security.Cryptography;
using System.Text;
using WireMock;

namespace McpRag.Retrieval.Tests.OpenSearch;

/// <summary>
/// Recomputes an AWS Signature V4 from a request as the fake received it, following the published algorithm
/// (canonical request, string to sign, derived key), independently of the SDK signer under test.
/// </summary>
internal static class SigV4Verifier
{
    public sealed record Parsed(string AccessKey, string Date, string Region, string Service, string SignedHeaders, string Signature);

    public static Parsed Parse(string authorization)
    {
        Assert.StartsWith("AWS4-HMAC-SHA256 ", authorization, StringComparison.Ordinal);
        var parts = authorization["AWS4-HMAC-SHA256 ".Length..].Split(", ").Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var scope = parts["Credential"].Split('/');
        Assert.Equal("aws4_request", scope[4]);
        return new Parsed(scope[0], scope[1], scope[2], scope[3], parts["SignedHeaders"], parts["Signature"]);
    }

    public static string ExpectedSignature(IRequestMessage request, string secretKey)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers!)
        {
            headers[name] = string.Join(',', values.Select(v => v.Trim()));
        }

        var auth = Parse(headers["Authorization"]);
        var amzDate = headers["X-Amz-Date"];
        var canonicalUri = string.Join('/', request.Path.Split('/').Select(s => Encode(Encode(s))));
        var canonicalQuery = string.Join('&', (request.Query ?? new Dictionary<string, WireMock.Types.WireMockList<string>>())
            .SelectMany(q => q.Value.Select(v => (Key: Encode(q.Key), Value: Encode(v))))
            .OrderBy(q => q.Key, StringComparer.Ordinal).ThenBy(q => q.Value, StringComparer.Ordinal)
            .Select(q => q.Key + "=" + q.Value));
        var signed = auth.SignedHeaders.Split(';');
        var canonicalHeaders = string.Concat(signed.Select(h => h + ":" + headers[h] + "\n"));
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(request.BodyAsBytes ?? Encoding.UTF8.GetBytes(request.Body ?? string.Empty)));
        var canonicalRequest = string.Join('\n', request.Method, canonicalUri, canonicalQuery, canonicalHeaders, auth.SignedHeaders, payloadHash);
        var scope = $"{auth.Date}/{auth.Region}/{auth.Service}/aws4_request";
        var stringToSign = string.Join('\n', "AWS4-HMAC-SHA256", amzDate, scope, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), auth.Date);
        key = Hmac(key, auth.Region);
        key = Hmac(key, auth.Service);
        key = Hmac(key, "aws4_request");
        return Convert.ToHexStringLower(Hmac(key, stringToSign));
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    /// <summary>RFC 3986 unreserved characters stay; everything else is %XX (upper-case hex), as SigV4 requires.</summary>
    private static string Encode(string value)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' ? c.ToString() : $"%{b:X2}");
        }

        return builder.ToString();
    }
}
