pytest_plugins = ["tide.testing.fixtures", "tide.testing.browser"]
