Store.Eventing.Hosting.ContextApp.Run(args, "Inventory", Store.Inventory.InventoryRegistration.AddInventoryContext);
