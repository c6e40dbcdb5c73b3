using System.Globalization;
using Lucene.Net.Index;
using McpRag.Retrieval.Search;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// The index layout version, recorded in every commit beside the embedding model. Layout 1 (no record) had passages
/// only; layout 2 adds the document-level fields (<see cref="IndexFields.Body"/>, <see cref="IndexFields.DocVector"/>)
/// and offsets in the passage postings. An older layout is upgraded in place from what it stores
/// (<see cref="LocalIndexUpgrade"/>); a newer one, written by a later release, is refused rather than misread.
/// </summary>
internal static class LocalIndexFormat
{
    public const int Current = 2;

    /// <summary>The user data of the last commit, or an empty map when the folder holds no index yet.</summary>
    public static IDictionary<string, string> LastCommitData(LuceneDirectory directory)
    {
        if (!DirectoryReader.IndexExists(directory))
        {
            return new Dictionary<string, string>();
        }

        var commits = DirectoryReader.ListCommits(directory);
        return commits.Count > 0 ? commits[^1].UserData : new Dictionary<string, string>();
    }

    /// <summary>The layout a commit records; 1 for commits written before the layout was recorded.</summary>
    public static int Of(IDictionary<string, string> commitData) =>
        commitData.TryGetValue(IndexFields.FormatCommitKey, out var value) && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : 1;

    /// <summary>The commit user data of a current-layout commit built with <paramref name="model"/>.</summary>
    public static Dictionary<string, string> CommitData(string model) => new()
    {
        [IndexFields.ModelCommitKey] = model,
        [IndexFields.FormatCommitKey] = Current.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Refuses a layout newer than this release reads, in one line that says what to do.</summary>
    public static void CheckReadable(int version)
    {
        if (version > Current)
        {
            throw new RetrievalException(
                RetrievalErrorCode.BackendUnavailable,
                $"the index has layout {version.ToString(CultureInfo.InvariantCulture)}, newer than this server reads ({Current.ToString(CultureInfo.InvariantCulture)}); upgrade the server, or rebuild the index with 'mcprag export' and 'mcprag import'");
        }
    }
}
