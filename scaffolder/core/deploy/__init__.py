"""Taking a project live: its platform's one-click link, or its CLI run in the project folder."""
