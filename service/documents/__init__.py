"""Documents: builders (snapshot → typed data), one module per kind under ``kinds/``, and rendering.

Pipeline of one document: ``kinds.build`` (the kind's builder, given the school policy) →
``render.render_document`` (its template → PDF/A-3b with the data embedded and empty signature
fields). ``period_set`` renders a period's whole set in a process pool.
"""
