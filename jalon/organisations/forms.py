"""The directory's forms: its list filters, an organisation, a contact."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jalon.lib.ids import valid_id
from jalon.lib.multilingual import text_in
from jalon.organisations import access, selectors, services
from jalon.organisations.models import Organisation, Person
from jalon.reference.forms import region_choices
from jalon.reference.selectors import country_choices
from jalon.web.forms import ChoiceOfModel, MultilingualField, MultilingualFormMixin


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any")), *Organisation.Kind.choices])
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices()


class OrganisationForm(MultilingualFormMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = MultilingualField(label=_("Name"), required=True, max_length=250)
    description = MultilingualField(label=_("Description"), multiline=True)

    class Meta:
        model = Organisation
        fields = list(services.ORGANISATION_FIELDS)
        field_classes = {"country": ChoiceOfModel}

    def __init__(self, *args, directory: bool = True, **kwargs):
        """`directory` False: the directory data show but cannot be changed (a focal point's own body)."""
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, ChoiceOfModel)
        country.queryset = country_choices()
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        if not directory:
            for name in access.DIRECTORY_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Kept by the programme team.")


class PersonForm(forms.ModelForm):
    """A contact of one of the organisations the user may add contacts to (the service checks it again)."""

    class Meta:
        model = Person
        fields = list(services.PERSON_FIELDS)
        field_classes = {"organisation": ChoiceOfModel, "country": ChoiceOfModel}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.contact_organisation_choices(user=user)
        # A contact without an organisation would be visible to managers only: require one.
        self.fields["organisation"].required = True
        self.fields["country"].queryset = country_choices()


# A person (or an organisation) chosen by searching -----------------------------------------------------------


class SearchWidget(forms.Widget):
    """A text input and, once a search found several records (or a record is already chosen), a short select
    of them. No script: the server resolves the text when the form is sent. The select applies only while the
    text is the one that produced it (`<name>_shown`), so that typing another name searches again."""

    template_name = "organisations/widgets/search.html"
    pick_label: "str | Promise" = ""  # the select's label

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.offered: list = []  # the records the select offers, set by the field

    def text_of(self, record) -> str:
        return str(record)

    def label_of(self, record) -> str:
        return str(record)

    def value_from_datadict(self, data, files, name):
        return {
            "text": data.get(name, ""),
            "pick": data.get(f"{name}_pick", ""),
            "shown": data.get(f"{name}_shown"),
        }

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if isinstance(value, models.Model):  # an edit form: the current record, chosen
            text, pick, offered = self.text_of(value), str(value.pk), [value]
        elif isinstance(value, dict):
            text, pick, offered = value.get("text") or "", str(value.get("pick") or ""), self.offered
        else:
            text, pick, offered = "", "", self.offered
        if len(offered) == 1:
            pick = str(offered[0].pk)
        context["widget"].update(
            value=text,
            pick_name=f"{name}_pick",
            shown_name=f"{name}_shown",
            pick_id=f"{context['widget']['attrs'].get('id', name)}_pick",
            pick_label=self.pick_label,
            offered=[(str(record.pk), self.label_of(record), str(record.pk) == pick) for record in offered],
        )
        return context


class PersonSearchWidget(SearchWidget):
    pick_label = _("Among the people found")

    def text_of(self, record) -> str:
        return person_search_text(record)

    def label_of(self, record) -> str:
        return person_search_label(record)


def person_search_text(person: Person) -> str:
    """What the text input holds for a chosen person: the e-mail address finds them alone when there is one."""
    return person.email or str(person)


def person_search_label(person: Person) -> str:
    # The organisation only when already read (a search reads it with the person): no query per option.
    organisation = person.organisation if Person.organisation.is_cached(person) else None
    details = [value for value in (person.email, organisation and organisation.acronym) if value]
    return f"{person} ({', '.join(details)})" if details else str(person)


class SearchField(forms.Field):
    """A record chosen among `queryset` (the records the user may choose: set it from an access function) by
    typing what designates it (`search`), never from a list of every record (issue 21). Several matches: the
    form comes back with a select of them (at most selectors.PEOPLE_FOUND_SHOWN)."""

    widget: type[SearchWidget] | SearchWidget = SearchWidget
    related: tuple[str, ...] = ()  # read with a record, for its label
    default_help_text: "str | Promise" = ""

    def __init__(self, *, queryset=None, help_text=None, **kwargs):
        # What a model form passes a foreign key's field and a search does not use.
        for name in ("to_field_name", "blank", "limit_choices_to"):
            kwargs.pop(name, None)
        super().__init__(help_text=help_text or self.default_help_text, **kwargs)
        self.queryset = self.empty() if queryset is None else queryset

    def empty(self):
        raise NotImplementedError

    def search(self, text: str) -> tuple[list, str | None]:
        """The records `text` designates, and what is wrong when it is not exactly one (_people_search)."""
        raise NotImplementedError

    def clean(self, value):
        widget = self.widget
        assert isinstance(widget, SearchWidget)
        value = value if isinstance(value, dict) else {"text": "", "pick": "", "shown": None}
        text = " ".join(str(value.get("text") or "").split())[:254]
        pick = str(value.get("pick") or "")
        # The select applies while the text is the one it was offered for.
        if pick and valid_id(pick) and value.get("shown") is not None and text == " ".join(value["shown"].split()):
            record = self.queryset.select_related(*self.related).filter(pk=pick).first()
            if record is not None:
                widget.offered = [record]
                return record
        if not text:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        found, code = self.search(text)
        widget.offered = found if code in (None, "several") else []
        if code:
            raise _refusal(self.error_messages, code, text)
        return found[0]

    def prepare_value(self, value):
        # An initial id (a model form's instance): the record it is, if the user may still choose it.
        if isinstance(value, int | str) and valid_id(value):
            return self.queryset.select_related(*self.related).filter(pk=value).first()
        return value

    def has_changed(self, initial, data):
        return True


class PersonSearchField(SearchField):
    """A person, by their name (or its start, or the family name alone) or e-mail address, resolved on the
    indexed match keys (selectors.people_named)."""

    widget = PersonSearchWidget
    related = ("organisation",)
    default_help_text = _("Type the person's e-mail address, their name or its start.")
    default_error_messages = {
        "none": _(
            "No person you may choose is called “%(text)s”. Type their e-mail address, their family name, or the "
            "start of their name."
        ),
        "several": _("Several people match “%(text)s”: choose one in the list below."),
        "too_many": _("More than %(count)s people match “%(text)s”: type more of their name, or their e-mail address."),
    }

    def empty(self):
        return Person.objects.none()

    def search(self, text: str) -> tuple[list, str | None]:
        return _people_search(self.queryset, text)


class OrganisationSearchWidget(SearchWidget):
    pick_label = _("Among the organisations found")

    def text_of(self, record) -> str:
        return record.acronym or text_in(record.name)

    def label_of(self, record) -> str:
        # The country only when already read (a search reads it with the organisation): no query per option.
        country = record.country if Organisation.country.is_cached(record) else None
        details = [value for value in (text_in(record.name), country and country.iso3) if value]
        return f"{record.acronym} ({', '.join(details)})" if record.acronym else ", ".join(details)


class OrganisationSearchField(SearchField):
    """An organisation, by its acronym or (part of) its name in any language (selectors.organisations_named),
    instead of a select of every organisation (163 ISO members alone: 17 KB a page)."""

    widget = OrganisationSearchWidget
    related = ("country",)
    default_help_text = _("Type the organisation's acronym or part of its name.")
    default_error_messages = {
        "none": _("No organisation you may choose is called “%(text)s”. Type its acronym or part of its name."),
        "several": _("Several organisations match “%(text)s”: choose one in the list below."),
        "too_many": _("More than %(count)s organisations match “%(text)s”: type more of its name, or its acronym."),
    }

    def empty(self):
        return Organisation.objects.none()

    def search(self, text: str) -> tuple[list, str | None]:
        return _found(selectors.organisations_named(organisations=self.queryset, text=text))


def _people_search(queryset, text: str) -> tuple[list[Person], str | None]:
    return _found(selectors.people_named(people=queryset, text=text))


def _found(found: list) -> tuple[list, str | None]:
    """What a search found, and what is wrong when it is not exactly one: "none", "too_many" or "several" (a
    list to choose from)."""
    if not found:
        return found, "none"
    if len(found) > selectors.PEOPLE_FOUND_SHOWN:
        return [], "too_many"
    return found, ("several" if len(found) > 1 else None)


def _refusal(messages: dict, code: str, text: str) -> ValidationError:
    # Worded now, in the language of the request, as the services' refusals are.
    params = {"text": text, "count": selectors.PEOPLE_FOUND_SHOWN}
    return ValidationError(str(messages[code]), code=code, params=params)


# Several people chosen by searching ----------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    """The lines of `text` as searched (spaces collapsed), blank ones and repeats dropped, in order."""
    lines = (" ".join(line.split())[:254] for line in text.splitlines())
    return list(dict.fromkeys(line for line in lines if line))


class PeopleSearchWidget(forms.Widget):
    """A text area, one name or e-mail address a line, and for each line that found several people (or whose
    person was picked among several), a short select of them. No script: the server resolves the lines when the
    form is sent. A select applies to its line while the line reads as it did (`<name>_shown`, one per
    select, sent in the same order as the selects)."""

    template_name = "organisations/widgets/people_search.html"

    def __init__(self, attrs=None):
        super().__init__({"rows": 4, **(attrs or {})})
        self.offered: dict[str, list[Person]] = {}  # line -> the people its select offers, set by the field
        self.picked: dict[str, str] = {}  # line -> the id picked in its select

    def value_from_datadict(self, data, files, name):
        many = data.getlist if hasattr(data, "getlist") else (lambda key: list(data.get(key) or []))
        return {"text": data.get(name, ""), "shown": many(f"{name}_shown"), "pick": many(f"{name}_pick")}

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if isinstance(value, dict):
            text = value.get("text") or ""
        else:  # an initial list of people
            text = "\n".join(person_search_text(person) for person in value or ())
        base_id = context["widget"]["attrs"].get("id", name)
        choices = []
        for number, (line, people) in enumerate(self.offered.items(), start=1):
            picked = str(people[0].pk) if len(people) == 1 else self.picked.get(line, "")
            options = [(str(p.pk), person_search_label(p), str(p.pk) == picked) for p in people]
            choices.append({"line": line, "id": f"{base_id}_pick_{number}", "options": options})
        context["widget"].update(value=text, shown_name=f"{name}_shown", pick_name=f"{name}_pick", choices=choices)
        return context


class PeopleSearchField(forms.Field):
    """People chosen among `queryset` (set it from an access function) by typing, one a line, their names or
    e-mail addresses, each resolved as PersonSearchField resolves one (organisations.selectors.people_named);
    a line that finds several people comes back with a select of them. The page never lists every person."""

    widget = PeopleSearchWidget
    default_error_messages = {
        **PersonSearchField.default_error_messages,
        "too_long": _("Type at most %(count)s names or addresses."),
    }

    def __init__(self, *, queryset=None, most: int = 40, help_text=None, **kwargs):
        help_text = help_text or _("One person a line: their e-mail address, their name or its start.")
        super().__init__(help_text=help_text, **kwargs)
        self.queryset = Person.objects.none() if queryset is None else queryset
        self.most = most

    def clean(self, value):
        widget = self.widget
        assert isinstance(widget, PeopleSearchWidget)
        value = value if isinstance(value, dict) else {"text": "", "shown": [], "pick": []}
        lines = _lines(str(value.get("text") or ""))
        if not lines:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(lines) > self.most:
            raise ValidationError(str(self.error_messages["too_long"]) % {"count": self.most}, code="too_long")
        # A pick applies to the line it was offered for, if that line is still there as it was.
        shown = [" ".join(str(line).split()) for line in value.get("shown") or ()]
        picks = {line: pick for line, pick in zip(shown, value.get("pick") or (), strict=False) if valid_id(pick)}
        picks = {line: pick for line, pick in picks.items() if line in lines}
        picked = {
            str(person.pk): person
            for person in self.queryset.select_related("organisation").filter(pk__in=set(picks.values()))
        }
        widget.offered, widget.picked = {}, {line: pick for line, pick in picks.items() if pick in picked}
        people: dict[int, Person] = {}
        errors = []
        for line in lines:
            if line in widget.picked:
                person = picked[widget.picked[line]]
                widget.offered[line] = [person]
                people.setdefault(person.pk, person)
                continue
            found, code = _people_search(self.queryset, line)
            if code in (None, "several"):
                widget.offered[line] = found
            if code:
                errors.append(_refusal(self.error_messages, code, line))
            else:
                people.setdefault(found[0].pk, found[0])
        if errors:
            raise ValidationError(errors)
        return list(people.values())

    def has_changed(self, initial, data):
        return True
