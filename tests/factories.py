import factory

from jalon.organisations.models import Organisation, Person
from jalon.reference.models import Country


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: {"en": f"Organisation {n}"})
    acronym = factory.Sequence(lambda n: f"ORG{n}")
    kind = Organisation.Kind.OTHER
    country = factory.LazyFunction(lambda: Country.objects.get(iso3="SEN"))

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        # name="KEBS" in a test: the official name, stored as every name is ({"en": ...}).
        if isinstance(kwargs.get("name"), str):
            kwargs["name"] = {"en": kwargs["name"]}
        return kwargs


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)
