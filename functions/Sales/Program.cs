using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Store.Sales;

var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddSalesContext(builder.Configuration);
builder.Build().Run();
