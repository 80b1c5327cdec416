"""Import adapters: each turns a journal export into a :class:`~service.journal.model.Snapshot`.

Placeholder until the foundation's registry lands (``read_snapshot``, ``detect_format``,
``ADAPTERS``).
"""
