"""The server-rendered web interface (Russian, plain, printable)."""
