using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Store.Eventing.Hosting;
using Store.Notifications;

var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddNotificationsContext(builder.Configuration);

// Traces and metrics of the worker and the eventing kit; exporters chosen by configuration (see EventingTelemetry).
builder.Services.AddOpenTelemetry()
    .UseFunctionsWorkerDefaults()
    .UseEventingTelemetry(builder.Configuration, "Notifications");

builder.Build().Run();
