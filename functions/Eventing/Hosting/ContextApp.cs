using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Hosting;

namespace Store.Eventing.Hosting;

/// <summary>The one entry point of every context's function app: <c>ContextApp.Run(args, "Sales", SalesRegistration.AddSalesContext);</c></summary>
public static class ContextApp
{
    /// <summary>
    /// Runs the isolated worker with the context's services (<paramref name="register"/>, as the local host registers
    /// them) and the kit's OpenTelemetry; the worker finds the function metadata in the entry assembly.
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
