"""Background jobs: the Celery base task, thin tasks, job progress in the catalog."""
