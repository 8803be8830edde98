"""The base of every form, and helpers shared by every domain's views."""
from flask_wtf import FlaskForm

from app.core.errors import ServiceError
from app.core.input_rules import single_line


class Form(FlaskForm):
    """Every form of the app: a single-line field refuses line breaks and tabs (the rule is in
    app.core.input_rules; the request as a whole was checked before the view)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            field.validators = [*field.validators, single_line]
            return field


def show_error(form, exc: ServiceError) -> None:
    """Put a service's refusal next to the field it names, or above the form."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        form.form_errors = [*getattr(form, "form_errors", []), exc.message]
