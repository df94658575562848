Store.Eventing.Hosting.ContextApp.Run(args, "Loyalty", Store.Loyalty.LoyaltyRegistration.AddLoyaltyContext);
