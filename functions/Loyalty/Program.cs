using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Store.Loyalty;

var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddLoyaltyContext(builder.Configuration);
builder.Build().Run();
