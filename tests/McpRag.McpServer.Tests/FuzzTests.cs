using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>
/// Hostile JSON-RPC from one seed, on both transports: the server never answers 5xx, never hangs a request past its
/// timeout, answers every well-framed request, keeps running, and every message it sends is valid JSON-RPC whose
/// error texts leak nothing.
/// </summary>
[Trait("Category", "Slow")]
public sealed class FuzzTests(SampleDeployment deployment)
{
    private const int HttpCases = 2_000;
    private const int StdioCases = 400;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private static readonly HashSet<HttpStatusCode> Expected =
    [
        HttpStatusCode.OK, HttpStatusCode.Accepted, HttpStatusCode.BadRequest, HttpStatusCode.Forbidden, HttpStatusCode.NotFound,
        HttpStatusCode.MethodNotAllowed, HttpStatusCode.NotAcceptable, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.UnsupportedMediaType,
    ];

    [Fact]
    public async Task Post_FuzzedBodies_AlwaysAnswerWithValidJsonRpcAndNo5xx()
    {
        var input = new FuzzInput(seed: 1701);
        var cases = Enumerable.Range(0, HttpCases).Select(i => (Id: i + 100, Body: input.Next(i + 100, out var framed), Framed: framed)).ToList();
        var token = deployment.Tokens.Valid(SampleDeployment.WriteTenant, scope: "rag:read rag:write");
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<HttpStatusCode, int>();
        var messages = 0;

        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = TestContext.Current.CancellationToken }, async (c, ct) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(RequestTimeout);
            using var request = new HttpRequestMessage(HttpMethod.Post, deployment.McpEndpoint) { Content = new ByteArrayContent(c.Body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Accept.ParseAdd("application/json, text/event-stream");
            request.Headers.Authorization = new("Bearer", token);
            HttpResponseMessage response;
            try
            {
                response = await RawMcpHttp.Http.SendAsync(request, timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new Xunit.Sdk.XunitException($"fuzz case {c.Id} (seed {input.Seed}) hung past {RequestTimeout.TotalSeconds} s: {Describe(c.Body)}");
            }

            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(timeout.Token);
                statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                Assert.True(Expected.Contains(response.StatusCode), $"fuzz case {c.Id} (seed {input.Seed}) got {(int)response.StatusCode}: {Describe(c.Body)} -> {Shorten(body)}");
                var parsed = CheckMessages(body, response.Content.Headers.ContentType?.MediaType, $"fuzz case {c.Id} (seed {input.Seed}): {Describe(c.Body)}");
                Interlocked.Add(ref messages, parsed.Count);
                if (c.Framed && response.StatusCode == HttpStatusCode.OK)
                {
                    Assert.Contains(parsed, m => m.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number && id.GetInt32() == c.Id);
                }
            }
        });

        using var ping = await RawMcpHttp.PostAsync(deployment.McpEndpoint, """{"jsonrpc":"2.0","id":1,"method":"ping"}""", token);
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        SecurityReport.Write($"fuzz (HTTP): {HttpCases} cases, seed {input.Seed}, {messages} JSON-RPC messages checked, 0 crashes, 0 hangs; statuses " +
            string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key}x{s.Value}")));
    }

    [Fact]
    public async Task Stdio_FuzzedLines_AnswersEveryRequestAndKeepsRunning()
    {
        var input = new FuzzInput(seed: 2718);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryPaths.Root,
            StandardOutputEncoding = new UTF8Encoding(false),
        };
        foreach (var argument in new[] { RepositoryPaths.ServerDll, "serve", "--transport", "stdio", "--config", deployment.ConfigFile, "--dev" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["MCPRAG_TOKEN"] = deployment.Tokens.Valid(SampleDeployment.WriteTenant, scope: "rag:read rag:write");
        using var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var responses = new System.Collections.Concurrent.ConcurrentDictionary<int, JsonElement>();
        var lines = 0;
        var reader = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                Interlocked.Increment(ref lines);
                var message = JsonDocument.Parse(line).RootElement.Clone();
                Assert.Equal("2.0", message.GetProperty("jsonrpc").GetString());
                if (message.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number && id.TryGetInt32(out var n))
                {
                    RawMcpHttp.AssertJsonRpcResponse(message);
                    CheckErrorTexts(message, line);
                    responses[n] = message;
                }
            }
        }, TestContext.Current.CancellationToken);

        try
        {
            var stdin = process.StandardInput.BaseStream;
            await WriteLineAsync(stdin, Encoding.UTF8.GetBytes(RawMcpHttp.Initialize));
            await WriteLineAsync(stdin, """{"jsonrpc":"2.0","method":"notifications/initialized"}"""u8.ToArray());
            var expected = new List<int> { 1 };
            for (var i = 0; i < StdioCases; i++)
            {
                var id = 1_000 + i;
                var body = input.Next(id, out var framed);
                if (framed && body.AsSpan().IndexOfAny((byte)'\n', (byte)'\r') < 0 && !Encoding.UTF8.GetString(body).Contains("notifications/", StringComparison.Ordinal))
                {
                    expected.Add(id);
                }

                // One message per line: a generated body that contains a line break becomes several hostile lines.
                await WriteLineAsync(stdin, body);
            }

            await WriteLineAsync(stdin, """{"jsonrpc":"2.0","id":999999,"method":"ping"}"""u8.ToArray());
            expected.Add(999_999);
            var deadline = Stopwatch.StartNew();
            while (!expected.All(responses.ContainsKey) && deadline.Elapsed < TimeSpan.FromSeconds(120) && !process.HasExited && !reader.IsCompleted)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }

            if (reader.IsFaulted)
            {
                await reader;
            }

            Assert.False(process.HasExited, $"the stdio server exited (seed {input.Seed})");
            var missing = expected.Where(id => !responses.ContainsKey(id)).ToList();
            Assert.True(missing.Count == 0, $"no answer to {missing.Count} well-framed requests (seed {input.Seed}), first ids: {string.Join(", ", missing.Take(10))}");
            SecurityReport.Write($"fuzz (stdio): {StdioCases} lines, seed {input.Seed}, {expected.Count} well-framed requests all answered, {lines} JSON-RPC lines checked, server still running");
        }
        finally
        {
            await ProcessExit.KillAsync(process, "mcprag serve --transport stdio (fuzz)");
        }
    }

    private static async Task WriteLineAsync(Stream stdin, byte[] line)
    {
        await stdin.WriteAsync(line, TestContext.Current.CancellationToken);
        stdin.WriteByte((byte)'\n');
        await stdin.FlushAsync(TestContext.Current.CancellationToken);
    }

    private static List<JsonElement> CheckMessages(string body, string? mediaType, string context)
    {
        List<JsonElement> messages;
        try
        {
            messages = RawMcpHttp.Messages(body, mediaType).ToList();
        }
        catch (JsonException)
        {
            throw new Xunit.Sdk.XunitException($"{context}: response is not JSON: {Shorten(body)}");
        }

        foreach (var message in messages)
        {
            RawMcpHttp.AssertJsonRpcResponse(message);
            CheckErrorTexts(message, body);
        }

        return messages;
    }

    private static void CheckErrorTexts(JsonElement message, string raw)
    {
        if (message.TryGetProperty("error", out var error))
        {
            ErrorHygiene.AssertClean(error.GetProperty("message").GetString()!, SampleDeployment.WriteTenant);
        }
        else if (message.GetProperty("result").TryGetProperty("isError", out var isError) && isError.ValueKind == JsonValueKind.True)
        {
            ErrorHygiene.AssertClean(raw, SampleDeployment.WriteTenant);
        }
    }

    private static string Describe(byte[] body) => Shorten(Encoding.UTF8.GetString(body));

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
