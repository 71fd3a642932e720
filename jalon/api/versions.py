"""A change to a versioned resource sends the version it read: without it, a PATCH would silently overwrite
what someone saved meanwhile. Creating sends none."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

VERSION_REQUIRED = _(
    "Send the version you read (the record's \"version\"): a change based on no version could overwrite someone else's."
)


class VersionRequired:
    """For the serializer of a versioned model (first base): an update without `version` is refused (400)."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if getattr(self, "instance", None) is not None and attrs.get("version") is None:
            raise serializers.ValidationError({"version": [VERSION_REQUIRED]})
        return attrs
