using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Store.Payments;

var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddPaymentsContext(builder.Configuration);
builder.Build().Run();
