"""Reading the project: book.yaml and its schema, chapters, text files, YAML, templates."""
