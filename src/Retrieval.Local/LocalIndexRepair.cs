using Lucene.Net.Index;
using Lucene.Net.Store;
using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// The structural half of <c>mcprag index repair</c>, done under the index's write lock so no writer runs meanwhile:
/// drops the segments Lucene's <see cref="CheckIndex"/> cannot read (a new commit without them, keeping the recorded
/// model), then removes every chunk of each document that is no longer whole, so the index is consistent again. The
/// documents removed are returned for the caller to write again from their stored text or from an export file.
/// </summary>
public static class LocalIndexRepair
{
    public sealed record Result(int DroppedSegments, int LostChunks, bool Unreadable);

    /// <summary>Writes a commit without the segments CheckIndex cannot read; <see cref="Result.Unreadable"/> when no commit can be read at all.</summary>
    public static Result DropDamagedSegments(string indexPath)
    {
        using var directory = FSDirectory.Open(new DirectoryInfo(indexPath));
        using var writeLock = directory.MakeLock(IndexWriter.WRITE_LOCK_NAME);
        if (!writeLock.Obtain())
        {
            throw new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the index is busy with another writer; stop writes to it and run repair again");
        }

        if (!DirectoryReader.IndexExists(directory))
        {
            return new Result(0, 0, Unreadable: true);
        }

        var checker = new CheckIndex(directory);
        var status = checker.DoCheckIndex();
        if (status.MissingSegments || status.CantOpenSegments)
        {
            return new Result(0, 0, Unreadable: true);
        }

        if (status.Clean)
        {
            return new Result(0, 0, Unreadable: false);
        }

        checker.FixIndex(status);
        return new Result(status.NumBadSegments, status.TotLoseDocCount, Unreadable: false);
    }

    /// <summary>Deletes every chunk of the given documents in one commit that keeps the recorded model and layout.</summary>
    public static void RemoveDocuments(string indexPath, IReadOnlyCollection<(string Tenant, string DocId)> documents)
    {
        if (documents.Count == 0)
        {
            return;
        }

        using var directory = FSDirectory.Open(new DirectoryInfo(indexPath));
        var recorded = LocalIndexFormat.LastCommitData(directory);
        using var writer = new IndexWriter(directory, new IndexWriterConfig(Lucene.Net.Util.LuceneVersion.LUCENE_48, LocalIndex.Analyzer) { OpenMode = OpenMode.APPEND });
        foreach (var (tenant, docId) in documents)
        {
            writer.DeleteDocuments(new Term(IndexFields.DocKey, IndexFields.Key(tenant, docId)));
        }

        if (recorded.Count > 0)
        {
            writer.SetCommitData(new Dictionary<string, string>(recorded));
        }

        writer.Commit();
    }
}
