"""The API's routes, by topic; ``service.app.create_app`` includes them."""
