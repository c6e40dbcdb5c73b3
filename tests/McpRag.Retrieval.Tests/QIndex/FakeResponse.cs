namespace McpRag.Retrieval.Tests.QIndex;

/// <summary>What a fake endpoint answers.</summary>
internal sealed record FakeResponse(int Status, string ContentType, string Body)
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public static FakeResponse Json(string body, int status = 200) => new(status, "application/json", body);

    /// <summary>A restJson1 error (Q Business, IAM Identity Center OIDC): shape name in <c>X-Amzn-ErrorType</c>.</summary>
    public static FakeResponse RestJsonError(int status, string errorType, string body) =>
        new(status, "application/json", body) { Headers = new Dictionary<string, string> { ["X-Amzn-ErrorType"] = errorType } };

    /// <summary>An awsQuery error (STS).</summary>
    public static FakeResponse QueryError(int status, string code, string message) =>
        new(status, "text/xml", $"""
            <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>
              <RequestId>00000000-0000-0000-0000-000000000000</RequestId>
            </ErrorResponse>
            """);
}
