"""The window's views, one job each; they bind to models and controllers, never to links."""
