namespace McpRag.Benchmarks.Ingest;

/// <summary>Ingest throughput of one corpus next to the model's own ceiling on the same chunks.</summary>
internal sealed record IngestResult(string Corpus, int Documents, int Chunks, double Seconds, double EmbedSeconds, double CeilingChunksPerSecond)
{
    public double ChunksPerSecond => Chunks / Seconds;

    public double IndexSeconds => Seconds - EmbedSeconds;

    public double ShareOfCeiling => ChunksPerSecond / CeilingChunksPerSecond;
}
