"""The journal: canonical format, snapshot model, import adapters, sample school."""
