namespace McpRag.McpServer.Tests.Infrastructure;

/// <summary>
/// Prints the counts the security tests are judged by (tokens tried, isolation cases, fuzz cases, kill points) to the
/// test output and as a diagnostic message, which <c>dotnet test</c> shows for passing tests too.
/// </summary>
internal static class SecurityReport
{
    public static void Write(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        TestContext.Current.SendDiagnosticMessage("SECURITY " + line);
    }
}
