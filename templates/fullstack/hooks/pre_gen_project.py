"""Refuse answers that would generate a broken project, before any file is written."""

import keyword
import re
import sys

# Answers arrive as JSON string literals (tojson), never pasted into the source: a quote in an
# answer cannot end the string and run as code.
package = {{ cookiecutter.package_name | tojson }}
slug = {{ cookiecutter.project_slug | tojson }}

if not package.isidentifier() or keyword.iskeyword(package):
    print(f"ERROR: package_name {package!r} is not a valid Python identifier "
          "(letters, digits and '_', not starting with a digit).")
    sys.exit(1)
if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", slug):
    print(f"ERROR: project_slug {slug!r} must use letters, digits, '-' or '_' only.")
    sys.exit(1)
