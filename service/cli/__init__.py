"""The ``vedomost`` command line."""
