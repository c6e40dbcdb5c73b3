using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpRag.McpServer.Tests.Infrastructure;

/// <summary>Real MCP clients (the SDK's <see cref="McpClient"/>) over the real transports.</summary>
internal static class McpClients
{
    /// <summary>
    /// How long a test waits for the handshake or for one tool call: far above what either takes on a loaded 2-core
    /// machine, so a server that never answers fails the test with the call's name instead of hanging the run.
    /// </summary>
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromMinutes(3);

    /// <summary>The options every test client uses: the handshake bounded by <see cref="AnswerTimeout"/>.</summary>
    public static McpClientOptions ClientOptions => new() { InitializationTimeout = AnswerTimeout };

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
            ClientOptions,
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
            ClientOptions,
            cancellationToken: TestContext.Current.CancellationToken);
    }

    public static async Task<CallToolResult> CallAsync(this McpClient client, string tool, Dictionary<string, object?> arguments)
    {
        using var answer = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        answer.CancelAfter(AnswerTimeout);
        try
        {
            return await client.CallToolAsync(tool, arguments, cancellationToken: answer.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException($"{tool} did not answer within {AnswerTimeout}");
        }
    }
}
