from tests.helpers.publishing import github, memory_keyring  # noqa: F401  (fixtures)
