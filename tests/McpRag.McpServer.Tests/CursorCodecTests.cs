using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using McpRag.McpServer.Tools;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Tests;

/// <summary>Cursors are encrypted, bound to tenant, subject and the exact search, and sized for upstream tokens.</summary>
public sealed class CursorCodecTests
{
    private const string Position = "eyJzIjo4LCJhIjpbMS41LCJ0ZW5hbnQtYzpyZWZ1bmQtcG9saWN5Il0sImciOiJjZSJ9";
    private readonly CursorCodec _codec = new(Options.Create(new CursorOptions { Secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }));

    private static TenantPrincipal Caller(string tenant = "tenant-c", string subject = "user-1") =>
        new(tenant, subject, new HashSet<string> { TenantPrincipal.ReadScope }, DateTimeOffset.UtcNow.AddHours(1));

    private static SearchQuery Query(string text = "refund", SearchMode mode = SearchMode.Hybrid, int topK = 8) =>
        new(text, topK, mode, RetrievalDocument.EmptyAttributes);

    [Fact]
    public void Encode_Position_RoundTripsForTheSameCallerAndSearch()
    {
        var cursor = _codec.Encode(Caller(), Query(), Position);

        Assert.Equal(Position, _codec.Decode(cursor, Caller(), Query()));
    }

    [Fact]
    public void Encode_Position_IsNotReadableFromTheCursor()
    {
        var cursor = _codec.Encode(Caller(), Query(), Position);

        var bytes = Base64Url.DecodeFromChars(cursor);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain(Position, cursor, StringComparison.Ordinal);
        Assert.DoesNotContain(Position, text, StringComparison.Ordinal);
        Assert.DoesNotContain("tenant-c", text, StringComparison.Ordinal);
        Assert.DoesNotContain("refund", text, StringComparison.Ordinal);
        Assert.NotEqual(cursor, _codec.Encode(Caller(), Query(), Position));
    }

    [Theory]
    [InlineData("tenant-d", "user-1", "refund", SearchMode.Hybrid, 8)]
    [InlineData("tenant-c", "user-2", "refund", SearchMode.Hybrid, 8)]
    [InlineData("tenant-c", "user-1", "refunds", SearchMode.Hybrid, 8)]
    [InlineData("tenant-c", "user-1", "refund", SearchMode.Keyword, 8)]
    [InlineData("tenant-c", "user-1", "refund", SearchMode.Hybrid, 9)]
    public void Decode_OtherCallerOrSearch_IsRefused(string tenant, string subject, string text, SearchMode mode, int topK)
    {
        var cursor = _codec.Encode(Caller(), Query(), Position);

        var error = Assert.Throws<RetrievalException>(() => _codec.Decode(cursor, Caller(tenant, subject), Query(text, mode, topK)));

        Assert.Equal(RetrievalErrorCode.InvalidArgument, error.Code);
    }

    [Fact]
    public void Decode_AnyByteChanged_IsRefused()
    {
        var bytes = Base64Url.DecodeFromChars(_codec.Encode(Caller(), Query(), Position));
        for (var i = 0; i < bytes.Length; i++)
        {
            var altered = (byte[])bytes.Clone();
            altered[i] ^= 0x01;
            Assert.Throws<RetrievalException>(() => _codec.Decode(Base64Url.EncodeToString(altered), Caller(), Query()));
        }
    }

    [Fact]
    public void Decode_CursorOfAnotherKey_IsRefused()
    {
        var other = new CursorCodec(Options.Create(new CursorOptions { Secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }));

        Assert.Throws<RetrievalException>(() => _codec.Decode(other.Encode(Caller(), Query(), Position), Caller(), Query()));
    }

    [Fact]
    public void Encode_QIndexNextTokenOfMaximumLength_FitsTheCursorLimit()
    {
        // Q index's nextToken is at most 800 characters; its position adds a 17-character subject tag.
        var position = new string('a', 16) + "~" + new string('Z', 800);

        var cursor = _codec.Encode(Caller(), Query(), position);

        Assert.True(cursor.Length <= CursorCodec.MaxCursorLength, cursor.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(position, _codec.Decode(cursor, Caller(), Query()));
    }

    [Fact]
    public void Encode_PositionOverTheLimit_IsRefused()
    {
        Assert.Throws<RetrievalException>(() => _codec.Encode(Caller(), Query(), new string('x', CursorCodec.MaxPositionBytes + 1)));
    }
}
