"""Sign-in: passwords, server-side login sessions and throttling of failed attempts."""
