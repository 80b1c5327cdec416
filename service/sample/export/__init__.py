"""Writers that turn a snapshot into other systems' export formats (for tests and demos)."""
