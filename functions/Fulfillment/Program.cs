using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Store.Fulfillment;

var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddFulfillmentContext(builder.Configuration);
builder.Build().Run();
