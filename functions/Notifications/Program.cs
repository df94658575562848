using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Store.Notifications;

var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddNotificationsContext(builder.Configuration);
builder.Build().Run();
