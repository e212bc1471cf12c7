"""Publishing a project to GitHub (or GitHub Enterprise Server): the token, the REST calls
(through PyGithub), the push, and the README links that named a placeholder account."""
