Store.Eventing.Hosting.ContextApp.Run(args, "Payments", Store.Payments.PaymentsRegistration.AddPaymentsContext);
