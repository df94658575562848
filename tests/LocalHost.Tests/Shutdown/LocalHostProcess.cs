namespace Store.LocalHost.Tests.Shutdown;

/// <summary>The real local host as a separate process (<c>dotnet LocalHost.dll ...</c>), with its output, for signal tests.</summary>
internal sealed partial class LocalHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LocalHostProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <c>dotnet LocalHost.dll</c> (the build copied next to the tests) with <paramref name="args"/>.</summary>
    public static LocalHostProcess Start(params string[] args)
    {
        var dll = typeof(Cli).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment.Remove("AZURITE_CONNECTION_STRING");
        return new LocalHostProcess(Process.Start(psi) ?? throw new InvalidOperationException("dotnet did not start."));
    }

    /// <summary>Waits until the output contains <paramref name="text"/>; fails with the output so far.</summary>
    public async Task WaitForAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"'{text}' not seen ({(_process.HasExited ? $"exited with {_process.ExitCode}" : "timed out")}); output:\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The pid of the Azurite the host started (from its "started Azurite (pid n" line).</summary>
    public int AzuritePid() => int.Parse(AzuritePidPattern().Match(Output) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("No Azurite pid in:\n" + Output));

    /// <summary>Sends a signal with kill(1).</summary>
    public void Signal(string name) => Kill(name, _process.Id);

    public static void Kill(string signal, int pid)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits for the exit; returns the exit code, or null after the timeout.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            _process.WaitForExit();
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>True when no process has <paramref name="pid"/> (or it is a zombie, i.e. it has exited).</summary>
    public static async Task<bool> IsGoneAsync(int pid, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var stat = $"/proc/{pid}/stat";
            var gone = !File.Exists(stat) || File.ReadAllText(stat).Split(')')[^1].TrimStart().StartsWith('Z');
            if (gone || DateTime.UtcNow > deadline)
            {
                return gone;
            }

            await Task.Delay(100);
        }
    }

    public static bool IsListening(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    [GeneratedRegex(@"started Azurite \(pid (\d+)")]
    private static partial Regex AzuritePidPattern();
}
