namespace Store.EventHubs.Extension;

/// <summary>Tells code and tests which Event Hubs extension this build compiled against.</summary>
public static class EventHubsBuildMode
{
#if EVENTHUBS_OFFLINE
    /// <summary>"offline": the in-repo attribute declaration; "official": the NuGet package.</summary>
    public const string Mode = "offline";
#else
    /// <summary>"offline": the in-repo attribute declaration; "official": the NuGet package.</summary>
    public const string Mode = "official";
#endif
}
