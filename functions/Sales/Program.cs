Store.Eventing.Hosting.ContextApp.Run(args, "Sales", Store.Sales.SalesRegistration.AddSalesContext);
