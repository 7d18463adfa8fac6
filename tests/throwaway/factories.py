import factory

from tests.factories import ActorFactory, CitedRecordFactory
from tests.throwaway.models import Visit


class VisitFactory(CitedRecordFactory):
    class Meta:
        model = Visit

    name = factory.Sequence(lambda n: f"Visit to Geneva {n}")
    visitor = factory.SubFactory(ActorFactory)
