Store.Eventing.Hosting.ContextApp.Run(args, "Fulfillment", Store.Fulfillment.FulfillmentRegistration.AddFulfillmentContext);
