"""The directory's forms: its list filters, an organisation, a contact."""

from django import forms
from django.utils.translation import gettext_lazy as _

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
