using System.ComponentModel.DataAnnotations;
using McpRag.Retrieval.Settings;

namespace McpRag.Retrieval.Embeddings;

/// <summary>Where query and document embeddings come from when a route uses Titan Text Embeddings V2 (<c>McpRag:Bedrock</c>).</summary>
public sealed class BedrockOptions : IValidatableObject
{
    public const string Section = "McpRag:Bedrock";

    /// <summary>AWS region of the bedrock-runtime endpoint.</summary>
    [SettingRequired(ErrorMessage = "McpRag:Bedrock:Region must not be empty")]
    public string Region { get; set; } = "us-east-1";

    /// <summary>Endpoint override (a VPC endpoint); by default <c>https://bedrock-runtime.{Region}.amazonaws.com</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Ask Titan for unit-length vectors, so cosine and inner product agree.</summary>
    public bool Normalize { get; set; } = true;

    /// <summary>Embedding calls run at once for one batch (Titan V2 embeds one text per request).</summary>
    [SettingRange(1, 64, ErrorMessage = "McpRag:Bedrock:MaxConcurrency must be between 1 and 64")]
    public int MaxConcurrency { get; set; } = 4;

    public Uri EndpointUri => Endpoint ?? new Uri($"https://bedrock-runtime.{Region}.amazonaws.com");

    /// <summary>Signed requests go over TLS; plain http only to a loopback fake.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Endpoint is not null && Endpoint.Scheme != Uri.UriSchemeHttps && !Endpoint.IsLoopback)
        {
            yield return new ValidationResult("McpRag:Bedrock:Endpoint must be an https URL");
        }
    }
}
