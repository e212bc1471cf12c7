"""{{ cookiecutter.description|wordwrap(88) }}"""

# The project's name and pitch as they were typed when it was generated (shown in the app).
APP_NAME = {{ cookiecutter.project_name|tojson }}
DESCRIPTION = {{ cookiecutter.description|tojson }}
__version__ = "0.1.0"
