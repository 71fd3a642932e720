"""The schema page (jalon.api.schema): made once per process and language, served as YAML or JSON."""

from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from jalon.api.schema import SchemaView


def test_the_schema_is_made_once_per_language_and_served_in_the_format_asked(client, db, monkeypatch):
    made = []
    make = SchemaGenerator.get_schema

    def counted(self, *args, **kwargs):
        made.append(translation.get_language())
        return make(self, *args, **kwargs)

    monkeypatch.setattr(SchemaView, "_made", {})
    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    english = client.get("/api/schema/?format=json&lang=en")
    assert client.get("/api/schema/?format=json&lang=en").json() == english.json()
    yaml = client.get("/api/schema/?lang=en")
    assert english["Content-Disposition"] == 'inline; filename="jalon API.json"'
    assert yaml["Content-Disposition"] == 'inline; filename="jalon API.yaml"'
    assert yaml.content.decode().startswith("openapi: 3")
    french = client.get("/api/schema/?format=json&lang=fr").json()
    assert made == ["en", "fr"]
    # Each language its own: the descriptions are translated.
    assert french != english.json()
    assert french["paths"].keys() == english.json()["paths"].keys()


def test_the_schema_describes_every_view_without_a_warning(db, tmp_path):
    """drf-spectacular's own warnings and errors are gaps a client generator would meet: a view left out of the
    schema (it could not guess its serializer), an enum named by a hash, a filter typed by guess."""
    from django.core.management import call_command

    schema = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(schema))
    assert "/api/v1/programmes/{code}/resources/:" in schema.read_text()
