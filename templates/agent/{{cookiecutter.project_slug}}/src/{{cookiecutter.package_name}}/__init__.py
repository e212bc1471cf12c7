"""{{ cookiecutter.project_name }}: an LLM agent that plans and calls tools in a guarded loop."""

__version__ = "0.1.0"
DESCRIPTION = {{ cookiecutter.description | tojson }}
