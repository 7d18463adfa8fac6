from nkhr.registry import RecordType, register
from nkhr.search import SearchSpec
from tests.throwaway.models import Visit

register(RecordType(model=Visit, search=SearchSpec(names=("name",))))
