using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Hosting;

namespace Store.Eventing.Hosting;

/// <summary>The one entry point of every context's function app: <c>ContextApp.Run(args, "Sales", SalesRegistration.AddSalesContext);</c></summary>
public static class ContextApp
{
    /// <summary>
    /// Builds the isolated worker with the context's services (<paramref name="register"/>, the same registration the local
    /// host uses) and the kit's OpenTelemetry traces and metrics, then runs it. The worker finds the app's
    /// source-generated function metadata in the entry assembly, so this may live in the kit.
    /// </summary>
    public static void Run(string[] args, string context, Func<IServiceCollection, IConfiguration, IServiceCollection> register)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        register(builder.Services, builder.Configuration);
        builder.Services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .UseEventingTelemetry(builder.Configuration, context);
        builder.Build().Run();
    }
}
