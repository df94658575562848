using Newtonsoft.Json.Linq;
using StreamJsonRpc;

namespace Infra.Tests.Support;

/// <summary>
/// One Bicep CLI in its JSON-RPC mode (`bicep jsonrpc --stdio`, the CLI's public programmatic interface since 0.29), kept
/// warm for the test run: `bicep/getSnapshot` gives the same snapshot as `bicep snapshot` (the same SnapshotHelper), at about
/// a third of the CPU of a new CLI process (start-up and JIT) per snapshot.
/// </summary>
public sealed class BicepServer : IDisposable
{
    private readonly Process _process;
    private readonly JsonRpc _rpc;

    // One request at a time: the CLI server makes no promise about concurrent compilations.
    private readonly SemaphoreSlim _one = new(1, 1);

    private BicepServer(Process process)
    {
        _process = process;
        _rpc = new JsonRpc(new HeaderDelimitedMessageHandler(process.StandardInput.BaseStream, process.StandardOutput.BaseStream));
        _rpc.StartListening();
    }

    public static BicepServer Start()
    {
        var start = new ProcessStartInfo(BicepCli.ExecutablePath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repo.Root,
        };
        start.ArgumentList.Add("jsonrpc");
        start.ArgumentList.Add("--stdio");
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start bicep jsonrpc.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return new BicepServer(process);
    }

    /// <summary>
    /// The snapshot of a .bicepparam file as `bicep snapshot --mode overwrite` writes it, or null when the file does not
    /// compile (the server answers "Compilation failed" without diagnostics; the caller gets them from the CLI).
    /// </summary>
    public string? Snapshot(string paramFile, string subscriptionId, string tenantId, string location, string deploymentName)
    {
        _one.Wait();
        try
        {
            var request = new
            {
                path = Path.GetFullPath(paramFile),
                metadata = new { tenantId, subscriptionId, location, deploymentName },
            };
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var response = _rpc.InvokeWithParameterObjectAsync<JObject>("bicep/getSnapshot", request, timeout.Token).GetAwaiter().GetResult();
            return (string?)response["snapshot"] ?? throw new InvalidOperationException("bicep/getSnapshot answered without a snapshot.");
        }
        catch (RemoteInvocationException)
        {
            return null;
        }
        finally
        {
            _one.Release();
        }
    }

    public void Dispose()
    {
        _rpc.Dispose();
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5_000))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }
}
