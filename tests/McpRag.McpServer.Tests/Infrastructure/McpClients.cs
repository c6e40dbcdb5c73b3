using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpRag.McpServer.Tests.Infrastructure;

/// <summary>Real MCP clients (the SDK's <see cref="McpClient"/>) over the real transports.</summary>
internal static class McpClients
{
    /// <summary>
    /// How long the handshake or one request may wait for its answer: far above what either takes on a loaded 2-core
    /// machine. The test's own token is cancelled only when the whole run is, and stdio has no HTTP timeout: without
    /// this bound a request the server never answers hangs the run.
    /// </summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromMinutes(3);

    /// <summary>The options every test client uses: the handshake bounded by <see cref="RequestTimeout"/>.</summary>
    public static McpClientOptions ClientOptions => new() { InitializationTimeout = RequestTimeout };

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

    public static Task<CallToolResult> CallAsync(this McpClient client, string tool, Dictionary<string, object?> arguments) =>
        WithinTimeoutAsync("tools/call " + tool, ct => client.CallToolAsync(tool, arguments, cancellationToken: ct));

    public static Task<IList<McpClientTool>> ToolsAsync(this McpClient client) =>
        WithinTimeoutAsync("tools/list", ct => client.ListToolsAsync(cancellationToken: ct));

    /// <summary>Runs one request with <see cref="RequestTimeout"/>; a request left unanswered fails the test naming it.</summary>
    public static async Task<T> WithinTimeoutAsync<T>(string request, Func<CancellationToken, ValueTask<T>> send)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(RequestTimeout);
        try
        {
            return await send(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException($"{request} got no answer within {RequestTimeout.TotalSeconds:0} s");
        }
    }
}
