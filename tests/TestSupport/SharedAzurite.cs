using System.Runtime.CompilerServices;

namespace Store.TestSupport;

/// <summary>
/// A test process shares its Azurite processes (<see cref="Azurite.ShareProcesses"/>): each fixture that has to start one,
/// and in LocalHost.Tests (which links this file) each replay, rebuild or demo run in process, gets a new storage account
/// on a shared process instead; a local host started as a child process still starts its own.
/// </summary>
internal static class SharedAzurite
{
#pragma warning disable CA2255 // A test assembly's process-wide setting, before any test starts Azurite.
    [ModuleInitializer]
    internal static void Enable() => Azurite.ShareProcesses = true;
#pragma warning restore CA2255
}
