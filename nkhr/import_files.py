"""The files of a bulk import in the admin: a template to start from, and its format.

* `ImportTemplatesMixin` (on `RecordImportExportMixin`): the import page offers, for each
  resource, a template file (the header row of every column the import reads) as CSV and
  as XLSX, served at `<model>/import/template-<resource>.<extension>`.
* `DetectedFormatImportForm`: the curator only picks the file; its format is read from
  the file's extension, or failing that from its first bytes (an XLSX file is a zip, JSON
  starts with "[" or "{", anything else readable as text is CSV). The format menu stays,
  preset to "from the file", to override the guess.
"""

from pathlib import Path

from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats
from import_export.forms import ImportForm
from tablib import Dataset

# Formats a template is offered in: what people write by hand or in a spreadsheet.
TEMPLATE_FORMATS = (base_formats.CSV, base_formats.XLSX)
# Bytes read from the start of a file to tell its format.
SNIFFED_BYTES = 2048
ZIP_SIGNATURE = b"PK\x03\x04"
UTF8_BOM = b"\xef\xbb\xbf"


def detect_format(upload, formats) -> int | None:
    """The index in `formats` of the format of `upload` (an uploaded file), or None."""
    extensions = {fmt().get_extension(): index for index, fmt in enumerate(formats)}
    extension = Path(upload.name or "").suffix.lower().lstrip(".")
    if extension in extensions:
        return extensions[extension]
    head = upload.read(SNIFFED_BYTES)
    upload.seek(0)
    if head.startswith(ZIP_SIGNATURE):
        guess = "xlsx"
    elif head.removeprefix(UTF8_BOM).lstrip()[:1] in (b"[", b"{"):
        guess = "json"
    else:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the sample is still text.
            if error.start < len(head) - 3:
                return None
        guess = "csv"
    return extensions.get(guess)


class DetectedFormatImportForm(ImportForm):
    """django-import-export's import form, its format read from the file unless chosen."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = formats
        field = self.fields["format"]
        if len(formats) > 1:
            field.required = False
            choices = [choice for choice in field.choices if choice[0] != ""]
            field.choices = [("", _("from the file")), *choices]
            field.help_text = _(
                "Read from the file's extension (.csv, .xlsx, .json) or its content; "
                "choose one only if that guess is wrong."
            )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is not None and cleaned.get("format") in (None, ""):
            index = detect_format(upload, self.formats)
            if index is None:
                self.add_error("format", _("The file's format could not be told: choose it here."))
            else:
                cleaned["format"] = str(index)
        return cleaned


class ImportTemplatesMixin:
    """Template files on the import page, and the format read from the uploaded file."""

    import_form_class = DetectedFormatImportForm

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_import_template"
        view = self.admin_site.admin_view(self.import_template_view)
        return [
            path("import/template-<int:resource>.<str:extension>", view, name=name),
            *super().get_urls(),
        ]

    def import_template_view(self, request, resource, extension):
        """A file holding only the header row of the columns `resource` imports."""
        if not self.has_import_permission(request):
            raise Http404
        resources = self.get_import_resource_classes(request)
        formats = {fmt().get_extension(): fmt for fmt in TEMPLATE_FORMATS}
        if not 0 <= resource < len(resources) or extension not in formats:
            raise Http404
        file_format = formats[extension]()
        columns = [field.column_name for field in resources[resource]().get_import_fields()]
        content = file_format.export_data(Dataset(headers=columns))
        response = HttpResponse(content, content_type=file_format.get_content_type())
        opts = self.model._meta
        file_name = f"{opts.model_name}-import-template.{extension}"
        response["Content-Disposition"] = f'attachment; filename="{file_name}"'
        return response

    def import_templates(self, request) -> list[dict]:
        """For the import page: each resource's name and its template files."""
        opts = self.model._meta
        url_name = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_import_template"
        resources = self.get_import_resource_classes(request)
        return [
            {
                "name": resource.get_display_name() if len(resources) > 1 else "",
                "files": [
                    (
                        fmt().get_title().upper(),
                        reverse(url_name, args=[index, fmt().get_extension()]),
                    )
                    for fmt in TEMPLATE_FORMATS
                ],
            }
            for index, resource in enumerate(resources)
        ]

    def import_action(self, request, **kwargs):
        return self.with_import_templates(request, super().import_action(request, **kwargs))

    def process_import(self, request, **kwargs):
        return self.with_import_templates(request, super().process_import(request, **kwargs))

    def with_import_templates(self, request, response):
        # The page is rendered late, so its context may still be added to.
        if isinstance(response, TemplateResponse) and response.context_data is not None:
            response.context_data["import_templates"] = self.import_templates(request)
        return response
