using System.ComponentModel.DataAnnotations;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Ingest;
using McpRag.Retrieval.Settings;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>Tuning of the embedded backend (<c>McpRag:Local</c>).</summary>
public sealed class LocalBackendOptions : IValidatableObject
{
    public const string Section = "McpRag:Local";

    [ValidateObjectMembers]
    public ChunkingOptions Chunking { get; set; } = new();

    /// <summary>Embedding model: <c>minilm</c> (default) or <c>arctic-xs</c>. An index records its model and refuses another.</summary>
    public string Model { get; set; } = EmbeddingModels.MiniLm;

    /// <summary>
    /// How hybrid search merges keyword and semantic rankings. Z-score fusion at semantic weight 0.6 measured best
    /// on both Cranfield and CISI (docs/benchmarks.md), ahead of min-max linear fusion and reciprocal rank fusion, and
    /// 0.6 is the middle of the weights (0.5–0.7) where it stays within 0.004 of its best on both.
    /// </summary>
    public FusionMethod Fusion { get; set; } = FusionMethod.ZScore;

    /// <summary>Weight of the semantic scores in <see cref="FusionMethod.ZScore"/> and <see cref="FusionMethod.Linear"/> fusion (0 = keyword only, 1 = semantic only).</summary>
    [SettingRange(0d, 1d, ErrorMessage = "McpRag:Local:SemanticWeight must be between 0 and 1")]
    public double SemanticWeight { get; set; } = 0.6;

    /// <summary>
    /// Share of the whole-document BM25 score in a document's keyword score; the rest is its best passage's
    /// (0 = passages only, 1 = whole documents only). Passages find the paragraph that answers; the whole document
    /// counts words spread over several passages, which short abstracts and long ones need differently.
    /// </summary>
    [SettingRange(0d, 1d, ErrorMessage = "McpRag:Local:KeywordDocumentWeight must be between 0 and 1")]
    public double KeywordDocumentWeight { get; set; } = 0.25;

    /// <summary>Share of the document vector's similarity (the normalised mean of its passage vectors) in a document's semantic score; the rest is its best passage's.</summary>
    [SettingRange(0d, 1d, ErrorMessage = "McpRag:Local:SemanticDocumentWeight must be between 0 and 1")]
    public double SemanticDocumentWeight { get; set; } = 0.5;

    /// <summary>Weight of a title match against a text match in BM25 (the title is its own field in both passage and document queries).</summary>
    [SettingRange(0d, 10d, ErrorMessage = "McpRag:Local:TitleBoost must be between 0 and 10")]
    public double TitleBoost { get; set; } = 0.5;

    /// <summary>
    /// Top documents of a first keyword ranking whose words expand the query (RM3 pseudo-relevance feedback); 0, the
    /// default, turns it off. Five documents, ten words and the original query at 0.8 raised keyword nDCG@10 by about
    /// 0.02 on both Cranfield and CISI but hybrid by only 0.005, while a second keyword search over ten more words made
    /// keyword search 3–5 times as expensive (36 against 8 ms at 100,000 passages) and doubled hybrid's CPU per call
    /// (docs/benchmarks.md): worth it for keyword-only deployments, not as the default.
    /// </summary>
    [SettingRange(0, 100, ErrorMessage = "McpRag:Local:FeedbackDocuments must be between 0 and 100")]
    public int FeedbackDocuments { get; set; } = 0;

    /// <summary>Expansion words taken from the feedback documents (with <see cref="FeedbackDocuments"/> above 0).</summary>
    [SettingRange(1, 100, ErrorMessage = "McpRag:Local:FeedbackTerms must be between 1 and 100")]
    public int FeedbackTerms { get; set; } = 10;

    /// <summary>
    /// Share of the original query's words in the expanded query; the rest goes to the expansion words. Below about
    /// 0.7 the expansion words outweigh what was asked and CISI's keyword ranking drops below no feedback at all.
    /// </summary>
    [SettingRange(0d, 1d, ErrorMessage = "McpRag:Local:FeedbackQueryWeight must be between 0 and 1")]
    public double FeedbackQueryWeight { get; set; } = 0.8;

    /// <summary>Reciprocal-rank-fusion constant: larger values flatten the difference between top ranks.</summary>
    [SettingRange(1, 1_000, ErrorMessage = "McpRag:Local:RrfK must be between 1 and 1000")]
    public int RrfK { get; set; } = 60;

    /// <summary>Chunks taken from each of the keyword and semantic lists before fusion.</summary>
    [SettingRange(10, 10_000, ErrorMessage = "McpRag:Local:Candidates must be between 10 and 10000")]
    public int Candidates { get; set; } = 100;

    /// <summary>
    /// Query vectors kept per backend, keyed by tenant and query text (<see cref="QueryVectorCache"/>): the next page
    /// of a search or a repeated question skips the model. 0 turns it off (the benchmarks do, to measure the model).
    /// About 1.5 KB per entry with MiniLM.
    /// </summary>
    [SettingRange(0, 100_000, ErrorMessage = "McpRag:Local:QueryVectorCacheSize must be between 0 and 100000")]
    public int QueryVectorCacheSize { get; set; } = 1_000;

    /// <summary>How often, at most, a search checks whether another process has committed to the index.</summary>
    public TimeSpan ReopenInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a write waits for the index lock held by another writer (such as <c>mcprag ingest</c>).</summary>
    public TimeSpan WriteLockTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Documents embedded and committed together during ingest; each batch is durable once written.</summary>
    [SettingRange(1, 10_000, ErrorMessage = "McpRag:Local:BatchDocuments must be between 1 and 10000")]
    public int BatchDocuments { get; set; } = 32;

    /// <summary>The rules an attribute cannot say: a known model and a defined fusion method.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!EmbeddingModels.IsKnown(Model))
        {
            yield return new ValidationResult("McpRag:Local:Model must be one of: " + string.Join(", ", EmbeddingModels.Names));
        }

        if (!Enum.IsDefined(Fusion))
        {
            yield return new ValidationResult("McpRag:Local:Fusion must be ZScore, Linear or Rrf");
        }
    }
}
