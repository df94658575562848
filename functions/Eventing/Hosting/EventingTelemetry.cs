using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Store.Eventing.Hosting;

/// <summary>OpenTelemetry for a context: the kit's traces and metrics, exported to Azure Monitor, OTLP and/or the console as configured.</summary>
public static class EventingTelemetry
{
    /// <summary>
    /// Adds the kit's activity source and meter, names the service (<c>OTEL_SERVICE_NAME</c>, else the context) and picks
    /// exporters: <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> → Azure Monitor (Entra ID auth with
    /// <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c>), <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> → OTLP, <c>OTEL_CONSOLE_EXPORTER=true</c> → console.
    /// </summary>
    public static IOpenTelemetryBuilder UseEventingTelemetry(this IOpenTelemetryBuilder builder, IConfiguration configuration, string context)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var serviceName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } configured ? configured : context.ToLowerInvariant();
        builder.ConfigureResource(resource => resource.AddService(serviceName, serviceNamespace: "store"));
        builder.WithTracing(tracing =>
        {
            tracing.AddSource(EventingMetrics.Name);
            if (configuration["OTEL_CONSOLE_EXPORTER"] == "true")
            {
                tracing.AddConsoleExporter();
            }
        });
        builder.WithMetrics(metrics => metrics.AddMeter(EventingMetrics.Name));

        if (configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"] is { Length: > 0 } connectionString)
        {
            var credential = AzureMonitorCredential(configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
            builder.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                if (credential is not null)
                {
                    options.Credential = credential;
                }
            });
        }

        if (configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 })
        {
            builder.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Parses <c>Authorization=AAD;ClientId=…</c> into a managed identity credential; null when not Entra ID.</summary>
    public static TokenCredential? AzureMonitorCredential(string? authenticationString)
    {
        var parts = (authenticationString ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var kind) || !string.Equals(kind, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return parts.TryGetValue("ClientId", out var clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();
    }
}
