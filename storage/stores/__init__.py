"""Object stores: the :class:`~storage.stores.base.Store` protocol, S3 and directory stores."""
