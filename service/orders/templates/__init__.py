"""The bundled DOCX templates of the order kinds and the printable register page (package data)."""
