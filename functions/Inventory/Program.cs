using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Store.Inventory;

var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddInventoryContext(builder.Configuration);
builder.Build().Run();
