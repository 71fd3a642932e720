import json

import pytest
from django.core.management import CommandError, call_command

from jalon.assessments.bank import bank_files
from jalon.assessments.models import Framework, Question, QuestionMapping


def test_the_command_loads_both_shipped_versions_once(db, capsys):
    call_command("load_assessment_bank")
    call_command("load_assessment_bank")
    out = capsys.readouterr().out
    assert "gsp v1: loaded" in out and "gsp v2: already loaded" in out
    v1, v2 = Framework.objects.get(code="gsp", version=1), Framework.objects.get(code="gsp", version=2)
    assert v2.previous == v1
    assert Question.objects.filter(section__framework=v1).count() == 22
    assert Question.objects.filter(section__framework=v2).count() == 24


def test_every_question_is_bilingual_and_cites_gsp_and_the_tbt_paragraphs_a_to_q_are_covered(banks):
    v1, _v2 = banks
    letters = set()
    for question in Question.objects.filter(section__framework=v1).select_related("section"):
        assert question.text["fr"] and question.text["en"]
        assert question.gsp_clauses, question.code
        letters |= set(question.tbt_paragraphs) | set(question.section.tbt_paragraphs)
    assert set("BCDEFGHIJKLMNOPQ") <= letters | {"A"}


def test_the_revision_maps_the_split_and_reworded_questions_and_the_unchanged_ones(banks):
    v1, v2 = banks
    split = QuestionMapping.objects.filter(source__code="TR-1", source__section__framework=v1)
    assert sorted(split.values_list("target__code", flat=True)) == ["TR-1A", "TR-1B"]
    assert QuestionMapping.objects.get(source__code="CO-3").target.code == "CO-4"
    assert QuestionMapping.objects.get(source__code="OP-1").target.section.framework == v2
    assert not QuestionMapping.objects.filter(target__code="SU-4").exists()


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["sections"][0]["questions"][0].update(tbt=["Z"]), "is not a TBT Annex 3 paragraph"),
        (lambda d: d["sections"][0]["questions"][0]["text"].pop("fr"), "in French and English"),
        (lambda d: d["sections"][0]["questions"][0].update(answer_set="nope"), "unknown answer set"),
        (lambda d: d["answer_sets"][0]["options"][0].update(value="2"), "between 0 and 1"),
        (lambda d: d["answer_sets"][0]["options"][0].update(value="abc"), "is not a number"),
    ],
)
def test_a_faulty_file_is_refused_whole_with_a_clear_message(db, tmp_path, change, message, english):
    data = json.loads(bank_files()[0].read_text())
    data["framework"]["code"] = "faulty"
    change(data)
    path = tmp_path / "faulty.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match=message):
        call_command("load_assessment_bank", str(path))
    assert not Framework.objects.filter(code="faulty").exists()


def test_a_file_that_is_not_json_is_refused(db, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(CommandError):
        call_command("load_assessment_bank", str(path))
