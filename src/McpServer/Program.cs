using McpRag.McpServer.Cli;

return await McpRagCommandLine.Build().Parse(args).InvokeAsync();
