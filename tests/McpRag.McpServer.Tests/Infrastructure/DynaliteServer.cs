using System.Diagnostics;
using System.Security.Cryptography;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace McpRag.McpServer.Tests.Infrastructure;

/// <summary>
/// A real implementation of the DynamoDB API (npm <c>dynalite</c>, pinned in <c>tests/node-clients</c>) on a free
/// loopback port, owned by one test so it can be stopped mid-run to make the table unreachable. Credentials are
/// generated per run; dynalite accepts any signed request.
/// </summary>
public sealed class DynaliteServer : IAsyncDisposable
{
    private readonly Process _process;

    private DynaliteServer(Process process, int port)
    {
        _process = process;
        ServiceUrl = new Uri($"http://127.0.0.1:{port}");
        Credentials = new BasicAWSCredentials("AKIA" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)), Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)));
    }

    public Uri ServiceUrl { get; }

    public AWSCredentials Credentials { get; }

    public static async Task<DynaliteServer> StartAsync()
    {
        var process = await NodeClients.StartAsync("dynalite-server.mjs");
        _ = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            line = "(nothing within 30 s)";
        }

        if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal))
        {
            await ProcessExit.KillAsync(process, "dynalite");
            process.Dispose();
            throw new InvalidOperationException("dynalite did not start: " + line);
        }

        _ = process.StandardOutput.ReadToEndAsync();
        return new DynaliteServer(process, int.Parse(line["listening ".Length..], System.Globalization.CultureInfo.InvariantCulture));
    }

    public AmazonDynamoDBClient Client() =>
        new(Credentials, new AmazonDynamoDBConfig { ServiceURL = ServiceUrl.ToString(), AuthenticationRegion = "eu-central-1" });

    /// <summary>Creates the routing table with the original design's key schema: partition key <c>pk</c>, sort key <c>sk</c>.</summary>
    public async Task CreateRoutingTableAsync(string tableName)
    {
        using var client = Client();
        await client.CreateTableAsync(new CreateTableRequest
        {
            TableName = tableName,
            AttributeDefinitions = [new("pk", ScalarAttributeType.S), new("sk", ScalarAttributeType.S)],
            KeySchema = [new("pk", KeyType.HASH), new("sk", KeyType.RANGE)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
        });
    }

    public async Task PutAsync(string tableName, Dictionary<string, string> item)
    {
        using var client = Client();
        await client.PutItemAsync(tableName, item.ToDictionary(kv => kv.Key, kv => new AttributeValue { S = kv.Value }));
    }

    /// <summary>Stops the server: from now on the table is unreachable (connection refused).</summary>
    public Task StopAsync() => ProcessExit.KillAsync(_process, "dynalite");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }
}
