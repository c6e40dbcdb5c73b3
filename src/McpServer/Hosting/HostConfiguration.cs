using McpRag.McpServer.Auth;
using McpRag.McpServer.Distribution;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Logging.Console;

namespace McpRag.McpServer.Hosting;

/// <summary>
/// Configuration and logging every verb shares: defaults from the option classes and <see cref="DefaultLocations"/>, then <c>--config FILE</c>,
/// then environment variables (<c>McpRag__DataDir</c> …), then command-line switches. Logs always go to stderr:
/// stdout belongs to the stdio transport and to commands whose output is piped (<c>token issue</c>).
/// </summary>
internal static class HostConfiguration
{
    /// <summary><c>text</c> (default) or <c>json</c>: one JSON object per log line on stderr, audit events included.</summary>
    public const string LogFormatKey = "McpRag:LogFormat";

    public static void Apply(IHostApplicationBuilder builder, string? configFile, bool dev)
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = DefaultLocations.AsConfiguration(builder.Environment.ContentRootPath) });
        if (configFile is not null)
        {
            if (!File.Exists(configFile))
            {
                throw new CommandLineException($"config file not found: {configFile}");
            }

            builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }

        builder.Configuration.AddEnvironmentVariables();
        // Last, so no file or environment variable can switch on trust in the development key: only --dev does.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{AuthOptions.Section}:{nameof(AuthOptions.TrustDevelopmentKey)}"] = dev ? "true" : "false",
        });

        builder.Logging.ClearProviders();
        switch (builder.Configuration[LogFormatKey] ?? "text")
        {
            case "text":
                builder.Logging.AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "HH:mm:ss ";
                });
                break;
            case "json":
                builder.Logging.AddJsonConsole(o =>
                {
                    o.UseUtcTimestamp = true;
                    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                });
                break;
            default:
                throw new CommandLineException($"{LogFormatKey} must be 'text' or 'json'");
        }

        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        if (builder.Configuration["Logging:LogLevel:Default"] is null)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Information);
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
            builder.Logging.AddFilter("ModelContextProtocol", LogLevel.Warning);
            builder.Logging.AddFilter("OpenIddict", LogLevel.Warning);
            // Four lines per upstream request and one per retry attempt: failures still show at Warning.
            builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
            builder.Logging.AddFilter("Polly", LogLevel.Warning);
            builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        }
    }
}
