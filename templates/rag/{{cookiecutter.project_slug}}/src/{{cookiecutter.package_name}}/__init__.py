"""A retrieval-augmented question answering service: see README.md."""

PROJECT_NAME = {{ cookiecutter.project_name|tojson }}
DESCRIPTION = {{ cookiecutter.description|tojson }}
__version__ = "0.1.0"
