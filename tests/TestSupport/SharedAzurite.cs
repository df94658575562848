using System.Runtime.CompilerServices;

namespace Store.TestSupport;

/// <summary>
/// A test process that loads this assembly shares its Azurite processes: each <see cref="AzuriteFixture"/> that has to
/// start one gets a new storage account on a shared process instead (<see cref="Azurite.ShareProcesses"/>).
/// </summary>
internal static class SharedAzurite
{
#pragma warning disable CA2255 // A test assembly's process-wide setting, before any test starts Azurite.
    [ModuleInitializer]
    internal static void Enable() => Azurite.ShareProcesses = true;
#pragma warning restore CA2255
}
