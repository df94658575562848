namespace Store.TestSupport;

/// <summary>
/// A machine-wide lock for a one-time install that several test processes (and <c>.ci/run</c>, with <c>flock</c> on the
/// same file) may start at once: a file in the temp folder opened with <see cref="FileShare.None"/>, which .NET takes as
/// an exclusive <c>flock</c> on Linux. Disposing the stream releases it.
/// </summary>
public static class InstallLock
{
    /// <summary>Waits up to <paramref name="wait"/> for the lock named <paramref name="fileName"/> (in the temp folder).</summary>
    public static async Task<FileStream> AcquireAsync(string fileName, TimeSpan wait)
    {
        var path = Path.Combine(Path.GetTempPath(), fileName);
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250).ConfigureAwait(false);
            }
        }
    }
}
