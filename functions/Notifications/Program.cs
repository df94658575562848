Store.Eventing.Hosting.ContextApp.Run(args, "Notifications", Store.Notifications.NotificationsRegistration.AddNotificationsContext);
