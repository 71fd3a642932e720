"""The directory's forms: its list filters, an organisation, a contact."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jalon.lib.ids import valid_id
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


# A person chosen by searching -----------------------------------------------------------------------------


class PersonSearchWidget(forms.Widget):
    """A text input for a name or an e-mail address and, once a search found several people (or a person is
    already chosen), a short select of them. No script: the server resolves the text when the form is sent.
    The select applies only while the text is the one that produced it (`<name>_shown`), so that typing
    another name searches again."""

    template_name = "organisations/widgets/person_search.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.offered: list[Person] = []  # the people the select offers, set by the field

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
        if isinstance(value, Person):  # an edit form: the current person, chosen
            text, pick, offered = person_search_text(value), str(value.pk), [value]
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
            offered=[(str(person.pk), person_search_label(person), str(person.pk) == pick) for person in offered],
        )
        return context


def person_search_text(person: Person) -> str:
    """What the text input holds for a chosen person: the e-mail address finds them alone when there is one."""
    return person.email or str(person)


def person_search_label(person: Person) -> str:
    # The organisation only when already read (a search reads it with the person): no query per option.
    organisation = person.organisation if Person.organisation.is_cached(person) else None
    details = [value for value in (person.email, organisation and organisation.acronym) if value]
    return f"{person} ({', '.join(details)})" if details else str(person)


class PersonSearchField(forms.Field):
    """A person chosen among `queryset` (the people the user may choose: set it from an access function) by
    typing their name or e-mail address: one indexed query, never a list of every person (issue 21).
    Several matches: the form comes back with a select of them (at most selectors.PEOPLE_FOUND_SHOWN)."""

    widget = PersonSearchWidget
    default_error_messages = {
        "none": _(
            "No person you may choose is called “%(text)s”. Type their e-mail address, their family name, or the "
            "start of their name."
        ),
        "several": _("Several people match “%(text)s”: choose one in the list below."),
        "too_many": _("More than %(count)s people match “%(text)s”: type more of their name, or their e-mail address."),
    }

    def __init__(self, *, queryset=None, help_text=None, **kwargs):
        # What a model form passes a foreign key's field and a search does not use.
        for name in ("to_field_name", "blank", "limit_choices_to"):
            kwargs.pop(name, None)
        help_text = help_text or _("Type the person's e-mail address, their name or its start.")
        super().__init__(help_text=help_text, **kwargs)
        self.queryset = Person.objects.none() if queryset is None else queryset

    def clean(self, value):
        widget = self.widget
        assert isinstance(widget, PersonSearchWidget)
        value = value if isinstance(value, dict) else {"text": "", "pick": "", "shown": None}
        text = " ".join(str(value.get("text") or "").split())[:254]
        pick = str(value.get("pick") or "")
        # The select applies while the text is the one it was offered for.
        if pick and valid_id(pick) and value.get("shown") is not None and text == " ".join(value["shown"].split()):
            person = self.queryset.select_related("organisation").filter(pk=pick).first()
            if person is not None:
                widget.offered = [person]
                return person
        if not text:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        found = selectors.people_named(people=self.queryset, text=text)
        if not found:
            raise self._refusal("none", text=text)
        if len(found) > selectors.PEOPLE_FOUND_SHOWN:
            raise self._refusal("too_many", text=text, count=selectors.PEOPLE_FOUND_SHOWN)
        widget.offered = found
        if len(found) > 1:
            raise self._refusal("several", text=text)
        return found[0]

    def _refusal(self, code: str, **params) -> ValidationError:
        # Worded now, in the language of the request, as the services' refusals are.
        return ValidationError(str(self.error_messages[code]), code=code, params=params)

    def prepare_value(self, value):
        # An initial id (a model form's instance): the person it is, if the user may still choose them.
        if isinstance(value, int | str) and valid_id(value):
            return self.queryset.select_related("organisation").filter(pk=value).first()
        return value

    def has_changed(self, initial, data):
        return True
