import pytest

# The generic contracts assert in these modules: show their failures' values as pytest does
# in test modules.
pytest.register_assert_rewrite("tests.admin_base", "tests.api_base", "tests.import_base")
