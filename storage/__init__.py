"""Vedomost's two-copy archive: stores, retention, fixity audit, backups, transfer, disposal.

A plain typed library: it never imports ``service`` or Django. The catalog it writes to is any
object implementing :class:`storage.catalog.Catalog`.
"""
