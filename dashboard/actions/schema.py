"""Each action's request body as an OpenAPI schema, derived from its form (the action table's).

The API validates with the very form the page uses; these serializers exist only to describe
that body to drf-spectacular, so a generated client offers each action with real arguments.
"""

from functools import cache

from django import forms
from rest_framework import serializers

from dashboard.actions.fields import (
    ClientStateField,
    HeaderListField,
    JSONObjectField,
    LineListField,
    LoopField,
    OptionalBooleanField,
    UUIDStringField,
)
from dashboard.actions.spec import ActionSpec


def _common(field: forms.Field) -> dict:
    return {"required": field.required, "help_text": str(field.help_text or "") or None}


def serializer_field(field: forms.Field) -> serializers.Field:
    """The JSON type a form field accepts."""
    common = _common(field)
    if isinstance(field, OptionalBooleanField):
        return serializers.BooleanField(allow_null=True, **common)
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(**common)
    if isinstance(field, forms.ChoiceField):
        choices = [value for value, _ in field.choices if value != ""]
        return serializers.ChoiceField(choices=choices, **common)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(min_value=field.min_value, max_value=field.max_value, **common)
    if isinstance(field, forms.FloatField | forms.DecimalField):
        return serializers.FloatField(min_value=field.min_value, max_value=field.max_value, **common)
    if isinstance(field, HeaderListField):
        header = serializers.DictField(child=serializers.CharField(), help_text="{name, value}")
        return serializers.ListField(child=header, **common)
    if isinstance(field, LineListField):
        return serializers.ListField(child=serializers.CharField(), **common)
    if isinstance(field, JSONObjectField):
        return serializers.DictField(**common)
    if isinstance(field, UUIDStringField):
        return serializers.UUIDField(**common)
    if isinstance(field, LoopField | ClientStateField):
        return serializers.CharField(**common)
    if isinstance(field, forms.CharField):
        return serializers.CharField(max_length=field.max_length, **common)
    return serializers.CharField(**common)


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


@cache
def request_serializer(spec: ActionSpec) -> type[serializers.Serializer]:
    """A serializer naming the action's body fields exactly as the API accepts them."""
    # Telnyx's names: `from`, not the form's `from_` (accepted too).
    fields = {
        name.removesuffix("_"): serializer_field(field)
        for name, field in spec.form.base_fields.items()
        if field is not None
    }
    for name, field in spec.form.base_fields.items():
        if isinstance(field, ClientStateField):
            fields[f"{name}_encoding"] = serializers.ChoiceField(
                choices=[value for value, _ in ClientStateField.ENCODINGS],
                required=False,
                help_text=f"How `{name}` is written: `text` is encoded for you; base64 when absent.",
            )
    fields["submission_id"] = serializers.CharField(
        required=False, max_length=64, help_text="As the Idempotency-Key header, which takes precedence."
    )
    name = f"{_camel(spec.target)}{_camel(spec.name)}Request"
    return type(name, (serializers.Serializer,), {**fields, "__doc__": spec.description})
