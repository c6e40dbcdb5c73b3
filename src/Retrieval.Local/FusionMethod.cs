namespace McpRag.Retrieval.Backends.Local;

/// <summary>How hybrid search merges the keyword and semantic rankings (<c>McpRag:Local:Fusion</c>).</summary>
public enum FusionMethod
{
    /// <summary>Reciprocal rank fusion: ranks only, no tuning of score scales; throws away how far apart results are.</summary>
    Rrf,

    /// <summary>
    /// Min-max normalized scores of each list, mixed with <see cref="LocalBackendOptions.SemanticWeight"/>: keeps
    /// how far apart results are, which rank fusion throws away; the best weight depends on the collection.
    /// </summary>
    Linear,

    /// <summary>
    /// Z-scored lists (each list's mean and standard deviation), mixed with <see cref="LocalBackendOptions.SemanticWeight"/>:
    /// like <see cref="Linear"/> but not squashed by one outlying top score. The default.
    /// </summary>
    ZScore,
}
