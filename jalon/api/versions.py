"""A change to a versioned resource sends the version it read: without it, a PATCH would silently overwrite
what someone saved meanwhile. Creating sends none.

`VersionedUpdateMixin` is the one `update` (PUT and PATCH) of the API's versioned resources: it validates the
body with the resource's serializer, requires the `version` read (400 without it), and hands the validated
fields to the resource's update service, which refuses a stale version (409, accounts.versioning). The
schema says so: `version_required_on_updates` (a drf-spectacular post-processing hook) marks `version`
required in the request bodies of PUT and PATCH, and only there."""

import copy
from collections.abc import Callable, Collection
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.response import Response

VERSION_REQUIRED = _(
    "Send the version you read (the record's \"version\"): a change based on no version could overwrite someone else's."
)
VERSION_HELP = "The version you read; a write based on an older one is refused (409)."


class VersionRequired:
    """For the serializer of a versioned model (first base): an update without `version` is refused (400)."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if getattr(self, "instance", None) is not None and attrs.get("version") is None:
            raise serializers.ValidationError({"version": [VERSION_REQUIRED]})
        return attrs


class VersionInput(serializers.Serializer):
    """The version an update is based on, read from the request body whatever the resource's serializer
    makes of it (some serializers show `version` read-only)."""

    version = serializers.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        help_text=VERSION_HELP,
        error_messages={"required": VERSION_REQUIRED, "null": VERSION_REQUIRED},
    )


class VersionedUpdateMixin:
    """The `update` of a versioned resource's viewset. A viewset sets:

    - `update_service`: the service that changes the record (`staticmethod(services.x_update)` or a method),
      called with `actor`, the record under `update_keyword`, `version` and `update_arguments(serializer)`;
    - `update_keyword`: the service's keyword for the record ("committee", "meeting"...);
    - `update_fields`: the validated fields handed to the service (or override `update_arguments`);
    - optionally `update_refused(record, serializer)`: a Response that refuses the change before the service
      runs (e.g. a registration moved to another person), or None."""

    update_service: Callable[..., Any]
    update_keyword: str = ""
    update_fields: Collection[str] = ()

    def update_arguments(self, serializer) -> dict:
        return {key: value for key, value in serializer.validated_data.items() if key in self.update_fields}

    def update_refused(self, record, serializer) -> Response | None:
        return None

    def update_reloaded(self, record):
        """The changed record as the viewset lists it (with its annotations), to answer with."""
        return self.get_queryset().filter(pk=record.pk).first() or record

    def update(self, request, *args, **kwargs):
        record = self.get_object()
        serializer = self.get_serializer(record, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        version = VersionInput(data=request.data if isinstance(request.data, dict) else {})
        version.is_valid(raise_exception=True)
        refused = self.update_refused(record, serializer)
        if refused is not None:
            return refused
        record = self.update_service(
            actor=request.user,
            **{self.update_keyword: record},
            version=version.validated_data["version"],
            **self.update_arguments(serializer),
        )
        return Response(self.get_serializer(self.update_reloaded(record)).data)


def version_required_on_updates(result: dict, generator, request, public) -> dict:
    """drf-spectacular post-processing hook: in the request bodies of PUT and PATCH, `version` is required
    (VersionedUpdateMixin refuses an update without it); creating and reading leave it as the resource's
    serializer says. A PUT body gets its own component ("<Name>Update") since its schema is shared with
    POST and the responses; a PATCH body ("Patched<Name>") is used by PATCH alone."""
    components = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in ("put", "patch"):
                continue
            for media in operation.get("requestBody", {}).get("content", {}).values():
                reference = media.get("schema", {}).get("$ref", "")
                name = reference.rsplit("/", 1)[-1]
                component = components.get(name)
                if not component or "version" not in component.get("properties", {}):
                    continue
                if method == "put":
                    name = f"{name}Update"
                    if name not in components:
                        components[name] = copy.deepcopy(component)
                    media["schema"] = {"$ref": f"#/components/schemas/{name}"}
                    component = components[name]
                component.setdefault("required", [])
                if "version" not in component["required"]:
                    component["required"].append("version")
                version = component["properties"]["version"]
                version.pop("readOnly", None)
                version.setdefault("description", VERSION_HELP)
    return result
