"""Every write the plugin makes goes through these functions; views, API, tasks and commands call them."""
