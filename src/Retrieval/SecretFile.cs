namespace McpRag.Retrieval;

/// <summary>
/// Creates a file holding a secret (a signing key) exactly once: written beside its final path with owner-only
/// permissions, then published atomically, so when two processes create it at once the first one wins and every
/// process uses the same secret. The one way the server's key files are made.
/// </summary>
public static class SecretFile
{
    /// <summary>Creates <paramref name="path"/> with the text of <paramref name="content"/> unless it exists.</summary>
    public static void CreateOnce(string path, Func<string> content)
    {
        if (File.Exists(path))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = $"{path}.{Guid.NewGuid():n}.tmp";
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(new FileStream(temp, fileOptions)))
        {
            writer.Write(content());
        }

        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs.
            File.Delete(temp);
        }
    }
}
