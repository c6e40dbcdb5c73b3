using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// Verifies one embedded index: Lucene's <see cref="CheckIndex"/> (every segment, with checksums), the embedding model
/// recorded in the last commit against the configured one, every chunk's vector (present, of the model's dimensions,
/// finite), and every document whole (chunks 0..n-1 once each, one head, one revision). Reads only: it runs beside a
/// serving process.
/// </summary>
public static class LocalIndexCheck
{
    public static LocalIndexCheckReport Run(string indexPath, string expectedModel, int dimensions)
    {
        if (!System.IO.Directory.Exists(indexPath))
        {
            return new LocalIndexCheckReport(false, 0, 0, 0, null, []);
        }

        using var directory = FSDirectory.Open(new DirectoryInfo(indexPath));
        if (!DirectoryReader.IndexExists(directory))
        {
            var leftovers = System.IO.Directory.EnumerateFiles(indexPath).Any(f => Path.GetFileName(f) != IndexWriter.WRITE_LOCK_NAME);
            return new LocalIndexCheckReport(false, 0, 0, 0, null, leftovers ? ["the folder holds index files but no readable commit"] : []);
        }

        var problems = new List<string>();
        CheckIndex.Status status;
        try
        {
            status = new CheckIndex(directory).DoCheckIndex();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or IndexOutOfRangeException or ArgumentException)
        {
            return new LocalIndexCheckReport(true, 0, 0, 0, null, [$"Lucene CheckIndex could not read the index ({ex.GetType().Name})"]);
        }

        if (status.MissingSegments || status.CantOpenSegments)
        {
            return new LocalIndexCheckReport(true, 0, 0, 0, null, ["Lucene CheckIndex: the last commit cannot be read"]);
        }

        if (!status.Clean)
        {
            problems.Add($"Lucene CheckIndex: {status.NumBadSegments} of {status.NumSegments} segments damaged ({status.TotLoseDocCount} chunks unreadable)");
            return new LocalIndexCheckReport(true, status.NumSegments, 0, 0, null, problems);
        }

        var commits = DirectoryReader.ListCommits(directory);
        var model = commits.Count > 0 && commits[^1].UserData.TryGetValue(IndexFields.ModelCommitKey, out var recorded) ? recorded : null;
        if (model is null)
        {
            problems.Add("the last commit records no embedding model");
        }
        else if (model != expectedModel)
        {
            problems.Add($"built with embedding model '{model}' but this server uses '{expectedModel}'");
        }

        using var reader = DirectoryReader.Open(directory);
        var (documents, chunks) = CheckChunks(reader, dimensions, problems);
        return new LocalIndexCheckReport(true, status.NumSegments, documents, chunks, model, problems);
    }

    /// <summary>Every (tenant, document) of a readable index that is not whole, mixes revisions or has a bad vector.</summary>
    public static IReadOnlyList<(string Tenant, string DocId)> BrokenDocuments(string indexPath, int dimensions)
    {
        using var directory = FSDirectory.Open(new DirectoryInfo(indexPath));
        if (!DirectoryReader.IndexExists(directory))
        {
            return [];
        }

        using var reader = DirectoryReader.Open(directory);
        var broken = new List<(string, string)>();
        CheckChunks(reader, dimensions, [], broken);
        return broken;
    }

    private static (int Documents, int Chunks) CheckChunks(DirectoryReader reader, int dimensions, List<string> problems, List<(string, string)>? broken = null)
    {
        var badVectorKeys = new HashSet<(string, string)>();
        var numbers = new Dictionary<(string, string), List<int>>();
        var titles = new Dictionary<(string, string), HashSet<string>>();
        var heads = new Dictionary<(string, string), int>();
        int badVectors = 0, chunks = 0;
        var bytes = new BytesRef();
        foreach (var leaf in reader.Leaves)
        {
            var segment = leaf.AtomicReader;
            var live = segment.LiveDocs;
            var vectors = segment.GetBinaryDocValues(IndexFields.Vector);
            for (var doc = 0; doc < segment.MaxDoc; doc++)
            {
                if (live is not null && !live.Get(doc))
                {
                    continue;
                }

                var stored = segment.Document(doc);
                if (stored.Get(IndexFields.DocId) is not { } docId)
                {
                    // Not a chunk (index-wide records such as statistics): nothing to check here.
                    continue;
                }

                chunks++;
                var key = (stored.Get(IndexFields.TenantId) ?? string.Empty, docId);
                (numbers.TryGetValue(key, out var list) ? list : numbers[key] = []).Add(stored.GetField(IndexFields.ChunkNo)?.GetInt32Value() ?? -1);
                (titles.TryGetValue(key, out var set) ? set : titles[key] = []).Add(stored.Get(IndexFields.Title) ?? string.Empty);
                // Only the head chunk stores the content hash (the head marker itself is indexed, not stored).
                if (stored.Get(IndexFields.ContentHash) is not null)
                {
                    heads[key] = heads.GetValueOrDefault(key) + 1;
                }

                if (vectors is null)
                {
                    badVectors++;
                    badVectorKeys.Add(key);
                    continue;
                }

                vectors.Get(doc, bytes);
                if (bytes.Length != dimensions * sizeof(float) || !AllFinite(bytes))
                {
                    badVectors++;
                    badVectorKeys.Add(key);
                }
            }
        }

        var tornKeys = numbers.Where(n => !n.Value.Order().SequenceEqual(Enumerable.Range(0, n.Value.Count)) || heads.GetValueOrDefault(n.Key) != 1).Select(n => n.Key).ToHashSet();
        var mixedKeys = titles.Where(t => t.Value.Count > 1).Select(t => t.Key).ToHashSet();
        var torn = tornKeys.Count;
        var mixed = mixedKeys.Count;
        broken?.AddRange(tornKeys.Union(mixedKeys).Union(badVectorKeys).Order());
        if (badVectors > 0)
        {
            problems.Add($"{badVectors} chunks have no vector of {dimensions} finite dimensions");
        }

        if (torn > 0)
        {
            problems.Add($"{torn} documents are not whole (missing or repeated chunks, or no single head)");
        }

        if (mixed > 0)
        {
            problems.Add($"{mixed} documents mix chunks of different revisions");
        }

        return (numbers.Count, chunks);
    }

    private static bool AllFinite(BytesRef bytes)
    {
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.Bytes.AsSpan(bytes.Offset, bytes.Length));
        foreach (var value in values)
        {
            if (!float.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }
}
