"""Messages of the libraries the admin shows that lack Korean, for the project's catalogue.

django-simple-history ships no Korean, and django-import-export's Korean leaves a few of
its messages untranslated (the message after an import among them). Marked here, they are
collected by `makemessages` into locale/ko/LC_MESSAGES/django.po, which Django reads before
any library's catalogue. Nothing imports this module: it is read only by `makemessages`.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

# django-simple-history: its history pages, version form and history types.
gettext_noop("Change history: %s")
gettext_noop('The %(name)s "%(obj)s" was changed successfully.')
gettext_noop("You may edit it again below")
gettext_noop("Revert %s")
gettext_noop("Created")
gettext_noop("Changed")
gettext_noop("Deleted")
gettext_noop("Choose a date from the list below to revert to a previous version of this object.")
gettext_noop("This object doesn't have a change history.")
gettext_noop("History")
gettext_noop("Revert %(verbose_name)s")
gettext_noop("View %(verbose_name)s")
gettext_noop("Press the 'Revert' button below to revert to this version of the object.")
gettext_noop("Press the 'Change History' button below to edit the history.")
gettext_noop("Or press the 'Change History' button to edit the history.")
gettext_noop("Object")
gettext_noop("Date/time")
gettext_noop("Comment")
gettext_noop("Changed by")
gettext_noop("Change reason")
gettext_noop("Revert")
gettext_noop("Change History")

# django-import-export: what its Korean leaves out.
gettext_noop("Import finished: {} new, {} updated, {} deleted and {} skipped {}.")
gettext_noop("This exporter will export the following fields: ")
gettext_noop(
    "%(exc_name)s encountered while trying to read file. Ensure you have chosen the correct "
    "format for the file."
)
gettext_noop(
    "No valid data to import. Ensure your file has the correct headers or data for import."
)
gettext_noop("Resource")
gettext_noop("Row")
gettext_noop("Select all")
gettext_noop("Value could not be parsed.")
gettext_noop('Select at least 1 field for "%(resource_name)s" to export')
ngettext_lazy("Export %(len)s selected item.", "Export %(len)s selected items.", 1)
