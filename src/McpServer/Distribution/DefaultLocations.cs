using McpRag.Retrieval;
using McpRag.Retrieval.Tenancy;

namespace McpRag.McpServer.Distribution;

/// <summary>
/// Where the verbs keep state and find the samples when the configuration does not say, so that the same program works
/// from a clone and as an installed tool. In a McpRag checkout (the working directory holds <c>McpRag.sln</c>) the
/// paths stay relative to it: <c>.mcprag/</c>, <c>samples/tenants.json</c>, <c>samples/documents</c>. Anywhere else
/// (<c>dnx</c>, <c>dotnet tool install</c>, a published binary) the data directory is per user
/// (<see cref="Environment.SpecialFolder.LocalApplicationData"/>/<c>mcprag</c>: <c>$XDG_DATA_HOME</c> or
/// <c>~/.local/share</c> on Linux, <c>%LOCALAPPDATA%</c> on Windows, <c>~/Library/Application Support</c> on macOS)
/// and the sample routing table and documents are the ones shipped next to the program.
/// </summary>
internal static class DefaultLocations
{
    /// <summary>The file that marks a working directory as a McpRag checkout.</summary>
    public const string CheckoutMarker = "McpRag.sln";

    public const string DataDirName = "mcprag";

    public static bool IsCheckout(string workingDirectory) => File.Exists(Path.Combine(workingDirectory, CheckoutMarker));

    /// <summary>The default data directory; in a checkout, or where no per-user folder exists, <c>.mcprag</c> in the working directory.</summary>
    public static string DataDir(string workingDirectory)
    {
        var perUser = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return IsCheckout(workingDirectory) || string.IsNullOrEmpty(perUser) ? ".mcprag" : Path.Combine(perUser, DataDirName);
    }

    /// <summary>The default routing table: the checkout's sample table, or the copy shipped with the program.</summary>
    public static string TenantsFile(string workingDirectory) => Samples(workingDirectory, "tenants.json");

    /// <summary>The default folder of sample documents for <c>demo</c> (one sub-folder per tenant).</summary>
    public static string SampleDocuments(string workingDirectory) => Samples(workingDirectory, "documents");

    /// <summary>The defaults as configuration values, to sit below every other configuration source.</summary>
    public static IReadOnlyDictionary<string, string?> AsConfiguration(string workingDirectory) => new Dictionary<string, string?>
    {
        [$"{StorageOptions.Section}:{nameof(StorageOptions.DataDir)}"] = DataDir(workingDirectory),
        [$"{TenantDirectoryOptions.Section}:{nameof(TenantDirectoryOptions.File)}"] = TenantsFile(workingDirectory),
    };

    private static string Samples(string workingDirectory, string name) =>
        IsCheckout(workingDirectory) ? Path.Combine("samples", name) : Path.Combine(AppContext.BaseDirectory, "samples", name);
}
