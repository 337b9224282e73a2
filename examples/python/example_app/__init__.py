"""The example organization of the demo (demo/example-app.ts), written against the Python binding."""
