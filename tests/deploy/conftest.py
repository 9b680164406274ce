from tests.processes import collected_static  # noqa: F401  (fixture)
