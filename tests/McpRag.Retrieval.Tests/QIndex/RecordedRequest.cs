using System.Text.Json;
using System.Web;

namespace McpRag.Retrieval.Tests.QIndex;

/// <summary>One request a fake endpoint received, with the SigV4 credential scope read from its Authorization header.</summary>
internal sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public SigV4Authorization? Authorization =>
        Headers.TryGetValue("Authorization", out var value) ? SigV4Authorization.Parse(value) : null;

    /// <summary>The SigV4 signing name: which service the request was for (sts, sso-oauth, qbusiness).</summary>
    public string Service => Authorization?.Service ?? "unsigned";

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>awsQuery bodies (STS): form fields.</summary>
    public IReadOnlyDictionary<string, string> Form
    {
        get
        {
            var form = HttpUtility.ParseQueryString(Body);
            return form.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => form[k]!, StringComparer.Ordinal);
        }
    }

    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
}
