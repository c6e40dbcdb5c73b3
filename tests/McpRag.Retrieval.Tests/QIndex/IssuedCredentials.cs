namespace McpRag.Retrieval.Tests.QIndex;

/// <summary>Credentials the fake STS handed out, so a test can tell which credentials signed which later request.</summary>
internal sealed record IssuedCredentials(string AccessKeyId, string SecretAccessKey, string SessionToken, DateTimeOffset Expiration);
