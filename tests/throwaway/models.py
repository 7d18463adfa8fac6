from django.db import models
from django_countries.fields import CountryField

from nkhr.dates import precision_field
from nkhr.models.base import CitedRecord
from nkhr.text import name_key


class Visit(CitedRecord):
    """An official's visit to a country: a model on the shared bases, and nothing else."""

    name = models.CharField("name", max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    visitor = models.ForeignKey(
        "nkhr.Actor", on_delete=models.PROTECT, related_name="throwaway_visits"
    )
    country = CountryField(blank=True)
    start = models.DateField("start", null=True, blank=True)
    start_precision = precision_field("start")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def refresh_derived(self):
        self.name_key = name_key(self.name)
