using System.Runtime.CompilerServices;

namespace Store.LocalHost.Tests;

/// <summary>
/// Every Azurite this test process asks for (its own fixtures, and the local host's replay, rebuild and demo commands run
/// in process) is a new storage account on a shared Azurite process (<see cref="Azurite.ShareProcesses"/>); the local
/// host started as a child process (shutdown tests) still starts its own.
/// </summary>
internal static class SharedAzurite
{
#pragma warning disable CA2255 // A test assembly's process-wide setting, before any test starts Azurite.
    [ModuleInitializer]
    internal static void Enable() => Azurite.ShareProcesses = true;
#pragma warning restore CA2255
}
