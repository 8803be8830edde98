"""Home page, language and large-text preferences, privacy notice."""
