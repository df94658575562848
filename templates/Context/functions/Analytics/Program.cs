Store.Eventing.Hosting.ContextApp.Run(args, "Analytics", Store.Analytics.AnalyticsRegistration.AddAnalyticsContext);
