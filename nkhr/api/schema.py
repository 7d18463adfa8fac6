"""Names for the schema's shared choice sets (drf-spectacular's ENUM_NAME_OVERRIDES)."""

from django_countries import countries

COUNTRY_CHOICES = [(country.code, country.name) for country in countries]
