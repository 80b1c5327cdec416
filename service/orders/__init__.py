"""Orders, regulations and consents rendered from editable DOCX templates (issue 6)."""
