"""One versioned update for every versioned resource (jalon.api.versions.VersionedUpdateMixin), and a schema
that says what it enforces: `version` required in the bodies of PUT and PATCH, not when creating."""

from rest_framework import mixins

from jalon.api.versions import VersionedUpdateMixin
from jalon.urls import router as api_router


def _schema(client):
    return client.get("/api/schema/?format=json").json()


def _body(operation: dict, schema: dict) -> dict:
    reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return schema["components"]["schemas"][reference.rsplit("/", 1)[-1]]


def test_the_schema_requires_the_version_on_every_change_and_only_there(client, db):
    schema = _schema(client)
    changes = 0
    for path, operations in schema["paths"].items():
        for method in ("put", "patch"):
            if method not in operations or "requestBody" not in operations[method]:
                continue
            body = _body(operations[method], schema)
            if "version" in body["properties"]:
                changes += 1
                assert "version" in body.get("required", []), (method, path)
                assert not body["properties"]["version"].get("readOnly"), (method, path)
    assert changes >= 24  # committees x5, activities x3, organisations, support x2, results: PUT and PATCH each
    # Creating sends no version: the POST body of activities does not require it, nor does its response.
    activities = schema["paths"]["/api/v1/activities/"]["post"]
    assert "version" not in _body(activities, schema).get("required", [])
    put = schema["paths"]["/api/v1/activities/{code}/"]["put"]
    assert put["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/ActivityUpdate")


def _versioned_viewsets():
    for _prefix, viewset, _basename in api_router.registry:
        if not issubclass(viewset, mixins.UpdateModelMixin):
            continue
        serializer = getattr(viewset, "serializer_class", None)
        fields = getattr(getattr(serializer, "Meta", None), "fields", None) or list(
            getattr(serializer, "_declared_fields", {})
        )
        if "version" in fields:
            yield viewset


def test_every_versioned_resource_updates_through_the_one_mixin():
    viewsets = list(_versioned_viewsets())
    assert len(viewsets) >= 11
    for viewset in viewsets:
        assert issubclass(viewset, VersionedUpdateMixin), viewset.__name__
        own = [klass.__name__ for klass in viewset.__mro__ if "update" in vars(klass)]
        assert own[0] == "VersionedUpdateMixin", (viewset.__name__, own)
