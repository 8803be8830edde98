"""Form helpers shared by every domain's views."""
from app.core.errors import ServiceError


def show_error(form, exc: ServiceError) -> None:
    """Put a service's refusal next to the field it names, or above the form."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, exc.message]
    else:
        form.form_errors = [*getattr(form, "form_errors", []), exc.message]
