"""The `jalon` command line speaks the language asked for (--language), else the locale's, else French."""

import subprocess
import sys

from jalon.cli import language_chosen


def test_the_language_option_is_taken_out_of_the_arguments_wherever_it_stands():
    assert language_chosen(["restore", "x.tar.gz", "--language", "en"], {}) == ("en", ["restore", "x.tar.gz"])
    assert language_chosen(["--language=fr", "restore"], {"LANG": "en_GB.UTF-8"}) == ("fr", ["restore"])


def test_without_the_option_the_locale_decides():
    assert language_chosen(["backup", "f"], {"LANG": "en_GB.UTF-8"}) == ("en", ["backup", "f"])
    assert language_chosen(["backup"], {"LC_ALL": "fr_SN.UTF-8", "LANG": "en_US"})[0] == "fr"
    assert language_chosen(["backup"], {})[0] is None


def test_a_command_answers_in_the_language_asked_for(tmp_path):
    missing = str(tmp_path / "missing.tar.gz")

    def restore(*options):
        return subprocess.run(
            [sys.executable, "-m", "jalon.cli", "restore", "--check", missing, *options],
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin", "JALON_DATA_DIR": str(tmp_path), "LANG": "C.UTF-8"},
            timeout=120,
        ).stderr

    assert "There is no backup file at" in restore("--language", "en")
    assert "Il n’y a pas de fichier de sauvegarde" in restore()
