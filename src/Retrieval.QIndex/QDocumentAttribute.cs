using System.Text.Json;

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// A Q Business <c>DocumentAttribute</c>: a name and a <c>DocumentAttributeValue</c> union
/// (<c>stringValue</c> | <c>stringListValue</c> | <c>longValue</c> | <c>dateValue</c>), kept as JSON until converted.
/// </summary>
public sealed record QDocumentAttribute(string Name, JsonElement Value);
