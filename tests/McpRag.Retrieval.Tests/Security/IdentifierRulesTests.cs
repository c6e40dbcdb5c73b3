using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Tenancy;

namespace McpRag.Retrieval.Tests.Security;

/// <summary>Tenant ids and index names end up in paths and index terms: only the plain form passes, nothing around it.</summary>
public sealed class IdentifierRulesTests
{
    [Theory]
    [InlineData("tenant-a\n")]
    [InlineData("tenant-a\r\n")]
    [InlineData(" tenant-a")]
    [InlineData("tenant-a ")]
    [InlineData("tenаnt-a")]
    [InlineData("ｔｅｎａｎｔ-a")]
    [InlineData("tenant-\u200ba")]
    [InlineData("TENANT-A")]
    [InlineData("../tenant-a")]
    [InlineData("")]
    public void IsValid_LookalikeOrPaddedValue_IsFalse(string value)
    {
        Assert.False(TenantId.IsValid(value));
        Assert.False(IndexName.IsValid(value));
    }

    [Theory]
    [InlineData("tenant-a")]
    [InlineData("a")]
    [InlineData("shared_cd-01")]
    public void IsValid_PlainValue_IsTrue(string value)
    {
        Assert.True(TenantId.IsValid(value));
        Assert.True(IndexName.IsValid(value));
    }
}
