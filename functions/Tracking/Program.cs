using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Store.Tracking;

var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddTrackingContext(builder.Configuration);
builder.Build().Run();
