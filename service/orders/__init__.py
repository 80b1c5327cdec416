"""Orders, regulations, consent forms and letters, filled from editable DOCX templates.

Each kind is one module under ``kinds/``; its bundled template is package data in ``templates/``.
"""
