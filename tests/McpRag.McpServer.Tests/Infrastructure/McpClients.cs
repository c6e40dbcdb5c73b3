using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpRag.McpServer.Tests.Infrastructure;

/// <summary>Real MCP clients (the SDK's <see cref="McpClient"/>) over the real transports.</summary>
internal static class McpClients
{
    public static Task<McpClient> HttpAsync(SampleDeployment deployment, string token, string? requestId = null) =>
        HttpAsync(deployment.McpEndpoint, token, requestId);

    public static Task<McpClient> HttpAsync(Uri endpoint, string token, string? requestId = null)
    {
        var headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token };
        if (requestId is not null)
        {
            headers["X-Request-Id"] = requestId;
        }

        return McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = endpoint,
                TransportMode = HttpTransportMode.StreamableHttp,
                AdditionalHeaders = headers,
            }),
            cancellationToken: TestContext.Current.CancellationToken);
    }

    /// <summary>Starts the real <c>mcprag serve --transport stdio</c> process with the token in its environment or a token file.</summary>
    public static Task<McpClient> StdioAsync(SampleDeployment deployment, string? token, string? tokenFile = null, string? configFile = null)
    {
        var arguments = new List<string> { RepositoryPaths.ServerDll, "serve", "--transport", "stdio", "--config", configFile ?? deployment.ConfigFile, "--dev" };
        if (tokenFile is not null)
        {
            arguments.AddRange(["--token-file", tokenFile]);
        }

        var environment = new Dictionary<string, string?> { ["MCPRAG_TOKEN"] = token };
        return McpClient.CreateAsync(
            new StdioClientTransport(new StdioClientTransportOptions
            {
                Name = "mcprag",
                Command = "dotnet",
                Arguments = arguments,
                WorkingDirectory = RepositoryPaths.Root,
                EnvironmentVariables = environment,
            }),
            cancellationToken: TestContext.Current.CancellationToken);
    }

    /// <summary>How long one tool call may wait for its answer before the test fails instead of hanging the run.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromMinutes(2);

    public static async Task<CallToolResult> CallAsync(this McpClient client, string tool, Dictionary<string, object?> arguments)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(CallTimeout);
        try
        {
            return await client.CallToolAsync(tool, arguments, cancellationToken: deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException($"tools/call {tool} got no answer within {CallTimeout.TotalSeconds:0} s");
        }
    }
}
