"""A support application's serializer shows `version` read-only; a change still requires the version read
(jalon.api.versions.VersionedUpdateMixin): without it, 400; an older one, 409."""

import json


def test_a_change_without_the_version_is_refused(client_as, make_sponsorship):
    sponsorship = make_sponsorship()
    client = client_as("focal")
    url = f"/api/v1/sponsorships/{sponsorship.pk}/"
    read = client.get(url).json()

    def patch(body):
        return client.patch(url, json.dumps(body), content_type="application/json")

    refused = patch({"estimated_other": "20.00"})
    assert refused.status_code == 400, refused.content
    assert "version" in refused.json()
    assert patch({"estimated_other": "20.00", "version": None}).status_code == 400
    changed = patch({"estimated_other": "20.00", "version": read["version"]})
    assert changed.status_code == 200 and changed.json()["version"] == read["version"] + 1
    assert patch({"estimated_other": "30.00", "version": read["version"]}).status_code == 409
