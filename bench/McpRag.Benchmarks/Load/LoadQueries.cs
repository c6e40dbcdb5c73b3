using McpRag.Benchmarks.Scale;

namespace McpRag.Benchmarks.Load;

/// <summary>
/// Query text for call number <c>n</c> of a load run: one of the questions a support agent asks of the sample
/// telecom knowledge base, followed by three words drawn from the samples' word frequencies for that number. The
/// load generator numbers every call of a run once, so no two calls send the same text and neither a cache nor
/// the model's batching can profit from repeats; the same number always gives the same text, so the encode
/// ceiling can embed exactly the queries a load phase sent.
/// </summary>
internal sealed class LoadQueries(SyntheticCorpus words)
{
    private static readonly string[] Questions =
    [
        "how do I get a refund", "international roaming charges", "activate esim on a new phone", "unlock my device",
        "data overage throttling", "port my number to another carrier", "set up voicemail", "network outage in my area",
        "double charge on my bill", "insurance claim for cracked screen", "reset my password", "business hours",
        "late payment suspension", "fair use policy", "replace physical sim card", "autopay and paperless billing",
    ];

    public static LoadQueries FromSamples(BenchPaths paths) =>
        new(new SyntheticCorpus(Directory.EnumerateFiles(Path.Combine(paths.Root, "samples", "documents"), "*.md", SearchOption.AllDirectories).Select(File.ReadAllText)));

    public string For(int sequence) => $"{Questions[sequence % Questions.Length]} {words.Queries(1, seed: sequence)[0]}";
}
