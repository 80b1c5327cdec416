"""Document builders (snapshot → typed data) and their archival PDF rendering (issue 3)."""
