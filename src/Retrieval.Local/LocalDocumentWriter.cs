using Lucene.Net.Index;
using McpRag.Retrieval.Ingest;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.AI;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>Writes a tenant's documents into a local index: chunked, each chunk embedded with the title, unchanged documents skipped.</summary>
internal sealed class LocalDocumentWriter(IEmbeddingGenerator<string, Embedding<float>> embeddings, LocalBackendOptions options)
{
    private readonly TextChunker _chunker = new(options.Chunking);

    /// <summary>
    /// Writes documents batch by batch. Hashing, chunking and embedding (the slow part) happen before the index lock is
    /// taken, so a large upsert does not hold up other writers of a shared index; inside the lock the stored hashes are
    /// read again from the latest commit, and documents that meanwhile became identical are skipped. Each batch is one
    /// Lucene commit: an interrupted ingest keeps every batch committed before it.
    /// </summary>
    public async Task<int> UpsertAsync(LocalIndex index, TenantPrincipal principal, IReadOnlyList<RetrievalDocument> documents, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var tenant = principal.TenantId;
        var chunksWritten = 0;
        var done = 0;
        foreach (var batch in documents.Chunk(Math.Max(1, options.BatchDocuments)))
        {
            var chunked = batch
                .Select(d => (Document: d, Hash: d.ContentHash()))
                .Where(d => index.Search(s => LocalDocuments.StoredHash(s, tenant, d.Document.Id), null) != d.Hash)
                .Select(d => (d.Document, d.Hash, Chunks: Split(d.Document)))
                .ToList();
            var texts = chunked.SelectMany(d => d.Chunks.Select(c => EmbeddingText(d.Document.Title, c))).ToList();
            var vectors = await EmbedManyAsync(texts, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();

            if (chunked.Count > 0)
            {
                await index.WriteAsync(writer =>
                {
                    var next = 0;
                    foreach (var (document, hash, chunks) in chunked)
                    {
                        var first = next;
                        next += chunks.Count;
                        if (index.Search(s => LocalDocuments.StoredHash(s, tenant, document.Id), null) == hash)
                        {
                            continue;
                        }

                        writer.UpdateDocuments(
                            new Term(IndexFields.DocKey, IndexFields.Key(tenant, document.Id)),
                            LocalDocuments.ToLucene(tenant, document, hash, chunks, vectors[first..next]));
                        chunksWritten += chunks.Count;
                        Diagnostics.CrashPoints.Reached(Diagnostics.CrashPoints.DocumentWritten);
                    }

                    return Task.CompletedTask;
                }, cancellationToken);
            }

            done += batch.Length;
            progress?.Report(done);
        }

        return chunksWritten;
    }

    /// <summary>The passages the document is split into, each embedded once.</summary>
    public IReadOnlyList<string> Split(RetrievalDocument document)
    {
        var chunks = _chunker.Split(document.Text);
        return chunks.Count > 0 ? chunks : [document.Title];
    }

    private static string EmbeddingText(string title, string chunk) => title + "\n\n" + chunk;

    /// <summary>Embeds in batches of similar length: the model pads a batch to its longest text, so mixing lengths wastes work.</summary>
    private async Task<float[][]> EmbedManyAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var result = new float[texts.Count][];
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => texts[i].Length).ToArray();
        foreach (var batch in order.Chunk(16))
        {
            var generated = await embeddings.GenerateAsync(batch.Select(i => texts[i]), cancellationToken: cancellationToken);
            for (var j = 0; j < batch.Length; j++)
            {
                result[batch[j]] = generated[j].Vector.ToArray();
            }
        }

        return result;
    }
}
