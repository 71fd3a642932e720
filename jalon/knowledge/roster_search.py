"""What the roster puts in the knowledge search: an expert's name, summary and competencies (codes,
committees, GSP areas), visible as the expert chose while the profile is shown (active or stale, with
consent), to the team otherwise; the expert always finds their own."""

from django.utils.translation import gettext_lazy as _

from jalon.knowledge import search
from jalon.knowledge.access.roster import SHOWN_STATES
from jalon.knowledge.models import Expert
from jalon.lib.multilingual import text_in

VISIBILITY = {
    Expert.Visibility.PUBLIC: search.Visibility.PUBLIC,
    Expert.Visibility.MEMBERS: search.Visibility.MEMBERS,
    Expert.Visibility.TEAM: search.Visibility.TEAM,
}


def expert_documents(expert: Expert) -> list[search.Document]:
    competencies = []
    for competency in expert.competencies.select_related("tag", "committee", "gsp_area"):
        if competency.tag is not None:
            competencies.append(competency.tag.code)
        elif competency.committee is not None:
            competencies += [
                competency.committee.reference,
                text_in(competency.committee.title, "fr"),
                text_in(competency.committee.title, "en"),
            ]
        elif competency.gsp_area is not None:
            competencies += [text_in(competency.gsp_area.title, "fr"), text_in(competency.gsp_area.title, "en")]
    shown = expert.state in SHOWN_STATES and expert.consent_at is not None
    languages = list(expert.languages.select_related("language"))
    return [
        search.Document(
            language="",
            title=str(expert.person),
            body=" ".join([expert.summary, *competencies]),
            url=expert.get_absolute_url(),
            visibility=VISIBILITY[Expert.Visibility(expert.visibility)] if shown else search.Visibility.TEAM,
            owner_id=expert.user_id,
            facets=(
                ("state", expert.state),
                *(("reads", item.language.code) for item in languages),
                *(("country", country.iso3) for country in expert.countries.all()),
            ),
        )
    ]


KIND = search.Kind(
    key="expert",
    label=_("Experts"),
    documents=expert_documents,
    objects=lambda: Expert.objects.select_related("person"),
)
