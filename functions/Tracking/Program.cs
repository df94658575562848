Store.Eventing.Hosting.ContextApp.Run(args, "Tracking", Store.Tracking.TrackingRegistration.AddTrackingContext);
