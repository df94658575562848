using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Store.Eventing.Hosting;
using Store.Tracking;

var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddTrackingContext(builder.Configuration);

// Traces and metrics of the worker and the eventing kit; exporters chosen by configuration (see EventingTelemetry).
builder.Services.AddOpenTelemetry()
    .UseFunctionsWorkerDefaults()
    .UseEventingTelemetry(builder.Configuration, "Tracking");

builder.Build().Run();
