def test_home_page_answers_in_french_and_english(client, db):
    assert "Capacity building" in client.get("/en/").content.decode()
    assert client.get("/fr/").status_code == 200


def test_healthz_says_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
