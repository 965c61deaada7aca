"""Reading article files and publishing them to the articles topic."""
