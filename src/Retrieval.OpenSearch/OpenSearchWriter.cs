using System.Text.Json.Nodes;
using McpRag.Retrieval.Ingest;
using McpRag.Retrieval.Search;
using Microsoft.Extensions.Options;
using static McpRag.Retrieval.Backends.OpenSearch.OpenSearchDocuments;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// Writes and deletes a tenant's documents in bulk requests. Each changed document becomes its record (the whole text,
/// the first passage's vector, the passage count) and one passage document per further passage (the local backend's
/// chunking, each passage embedded with the title), so every part of a long document is found semantically. Unchanged
/// documents are skipped by content hash, so an interrupted import can simply be run again.
/// </summary>
internal sealed class OpenSearchWriter(IOpenSearchClient client, OpenSearchEmbeddings embeddings, IOptions<OpenSearchOptions> options, IOptions<ChunkingOptions> chunking)
{
    /// <summary>
    /// Writes documents, using the given vectors where there are any (for single-passage documents) and embedding the
    /// rest. Passages beyond a shorter new version are deleted in the same bulk request. Returns the documents and
    /// passages written.
    /// </summary>
    public async Task<(int Documents, int Passages)> WriteAsync(OpenSearchRoute os, OpenSearchTarget target, JsonArray scope, string tenantId, IReadOnlyList<(RetrievalDocument Document, float[]? Vector)> documents, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var chunker = new TextChunker(chunking.Value);
        var (writtenDocuments, writtenPassages, done) = (0, 0, 0);
        var failures = new List<string>();
        foreach (var batch in documents.Chunk(Math.Max(1, options.Value.BulkDocuments)))
        {
            var keys = batch.Select(d => OpenSearchIndexNames.DocumentKey(tenantId, d.Document.Id)).Distinct().ToList();
            var stored = await client.SearchAsync(target, os.Index, OpenSearchQueries.ByKeys(os, keys, scope, OpenSearchFields.ContentHash, OpenSearchFields.Passages), null, cancellationToken);
            var storedHashes = stored.Hits.ToDictionary(h => h.Id, h => ReadString(h.Source, OpenSearchFields.ContentHash), StringComparer.Ordinal);
            var storedPassages = stored.Hits.ToDictionary(h => h.Id, h => PassageCount(h.Source), StringComparer.Ordinal);
            var changed = batch
                .Select(d => (d.Document, d.Vector, Key: OpenSearchIndexNames.DocumentKey(tenantId, d.Document.Id), Hash: ContentHash(os, chunking.Value, d.Document), Passages: Passages(chunker, d.Document)))
                .Where(d => storedHashes.GetValueOrDefault(d.Key) != d.Hash)
                .ToList();
            if (changed.Count > 0)
            {
                var texts = changed
                    .Where(d => !(d.Passages.Count == 1 && d.Vector is { } v && v.Length == os.Dimensions))
                    .SelectMany(d => d.Passages.Select(p => EmbeddingText(d.Document.Title, p)))
                    .ToList();
                var embedded = texts.Count == 0 ? [] : await embeddings.EmbedAsync(os, texts, cancellationToken);
                var next = 0;
                var operations = new List<OpenSearchBulkOperation>();
                var owners = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var d in changed)
                {
                    var vectors = d.Passages.Count == 1 && d.Vector is { } given && given.Length == os.Dimensions
                        ? [given]
                        : d.Passages.Select(_ => embedded[next++]).ToArray();
                    operations.Add(OpenSearchBulkOperation.Index(d.Key, Source(os, tenantId, d.Document, d.Key, d.Hash, vectors[0], d.Passages.Count)));
                    owners[d.Key] = d.Document.Id;
                    for (var n = 1; n < d.Passages.Count; n++)
                    {
                        var key = OpenSearchIndexNames.PassageKey(tenantId, d.Document.Id, n);
                        operations.Add(OpenSearchBulkOperation.Index(key, PassageSource(os, tenantId, d.Document, key, n, d.Passages[n], vectors[n])));
                        owners[key] = d.Document.Id;
                    }

                    for (var n = d.Passages.Count; n < storedPassages.GetValueOrDefault(d.Key, 1); n++)
                    {
                        var key = OpenSearchIndexNames.PassageKey(tenantId, d.Document.Id, n);
                        operations.Add(OpenSearchBulkOperation.Delete(key));
                        owners[key] = d.Document.Id;
                    }
                }

                var items = await BulkWithRetriesAsync(target, os.Index, operations, cancellationToken);
                var failed = items.Where(i => !i.Succeeded && !(i.Action == "delete" && i.Status == 404)).ToList();
                var failedDocuments = failed.Select(i => owners[i.Id]).ToHashSet(StringComparer.Ordinal);
                writtenDocuments += changed.Count(d => !failedDocuments.Contains(d.Document.Id));
                writtenPassages += items.Count(i => i.Succeeded && i.Action == "index");
                failures.AddRange(failed.GroupBy(i => owners[i.Id], StringComparer.Ordinal)
                    .Select(g => $"{g.Key} ({g.First().ErrorType ?? g.First().Status.ToString(System.Globalization.CultureInfo.InvariantCulture)})"));
            }

            done += batch.Length;
            progress?.Report(done);
        }

        if (failures.Count > 0)
        {
            throw new RetrievalException(
                RetrievalErrorCode.BackendError,
                $"{failures.Count} of {documents.Count} documents were not stored: {string.Join(", ", failures.Take(10))}{(failures.Count > 10 ? ", …" : "")}");
        }

        return (writtenDocuments, writtenPassages);
    }

    /// <summary>Deletes a document's record and its passages (their number is on the record).</summary>
    public async Task<bool> DeleteAsync(OpenSearchRoute os, OpenSearchTarget target, JsonArray scope, string tenantId, string id, CancellationToken cancellationToken)
    {
        var key = OpenSearchIndexNames.DocumentKey(tenantId, id);
        var stored = await client.SearchAsync(target, os.Index, OpenSearchQueries.ByKeys(os, [key], scope, OpenSearchFields.Passages), null, cancellationToken);
        var passages = stored.Hits.FirstOrDefault(h => h.Id == key) is { } record ? PassageCount(record.Source) : 1;
        var operations = new List<OpenSearchBulkOperation> { OpenSearchBulkOperation.Delete(key) };
        operations.AddRange(Enumerable.Range(1, passages - 1).Select(n => OpenSearchBulkOperation.Delete(OpenSearchIndexNames.PassageKey(tenantId, id, n))));
        var items = await client.BulkAsync(target, os.Index, operations, cancellationToken);
        var item = items.First(i => i.Id == key);
        return item.Status switch
        {
            200 => true,
            404 => false,
            _ => throw new RetrievalException(RetrievalErrorCode.BackendError, $"the document was not deleted ({item.ErrorType ?? item.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)})"),
        };
    }

    /// <summary>
    /// Content, model and passage size together: a document re-ingested unchanged is skipped; one whose model or
    /// chunking changed (or that was stored before passages existed) is embedded and written again.
    /// </summary>
    internal static string ContentHash(OpenSearchRoute os, ChunkingOptions chunking, RetrievalDocument document) =>
        document.ContentHash(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{os.EmbeddingModel}|passages {chunking.ChunkWords}/{chunking.OverlapWords}"));

    /// <summary>The document's passages: the local backend's chunks of its text (the title alone for an empty text).</summary>
    private static IReadOnlyList<string> Passages(TextChunker chunker, RetrievalDocument document)
    {
        var chunks = chunker.Split(document.Text);
        return chunks.Count > 0 ? chunks : [document.Title];
    }

    /// <summary>What a passage is embedded as: the title and the passage, as the local backend does.</summary>
    private static string EmbeddingText(string title, string passage) => title + "\n\n" + passage;

    /// <summary>
    /// Sends a bulk request and re-sends the items the cluster rejected as overloaded (429), with growing pauses; other
    /// item failures are final. The HTTP-level retries of the resilience handler cannot see these: the call itself is 200.
    /// </summary>
    private async Task<IReadOnlyList<OpenSearchBulkItem>> BulkWithRetriesAsync(OpenSearchTarget target, string index, IReadOnlyList<OpenSearchBulkOperation> operations, CancellationToken cancellationToken)
    {
        var results = new Dictionary<string, OpenSearchBulkItem>(StringComparer.Ordinal);
        var pending = operations;
        for (var attempt = 0; pending.Count > 0; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(options.Value.BulkRetryDelay * (1 << (attempt - 1)), cancellationToken);
            }

            var items = await client.BulkAsync(target, index, pending, cancellationToken);
            foreach (var item in items)
            {
                results[item.Id] = item;
            }

            var rejected = items.Where(i => i.Status == 429).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
            pending = attempt < options.Value.BulkRetries ? pending.Where(o => rejected.Contains(o.Id)).ToList() : [];
        }

        return operations.Select(o => results[o.Id]).ToList();
    }
}
