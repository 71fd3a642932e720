"""API endpoints for committees; `routes` registers them on the v1 router.

Committee data from the ISO Open Data file is credited "ISO Open Data" (ODC-By 1.0), see
jalon.committees.models.ATTRIBUTION."""

import datetime

import django_filters
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jalon.api.fields import MultilingualField
from jalon.api.filters import IdFilter
from jalon.api.versions import VersionedUpdateMixin, VersionRequired
from jalon.committees import access, selectors, services
from jalon.committees.models import (
    ATTRIBUTION,
    Committee,
    CommitteeMembership,
    Contribution,
    LeadershipRole,
    Meeting,
    MeetingDelegate,
    ParticipationEvent,
)
from jalon.organisations import access as organisations_access
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import Country, IcsField

# Committees -----------------------------------------------------------------------------------------------


class CommitteeManagerWrites:
    """Writes that only committee managers may make (AccessPolicy asks these)."""

    def can_create(self, user):
        return access.committee_can_manage(user)

    def can_change(self, user, obj):
        return access.committee_can_manage(user)


class CommitteeManagerDeletes(CommitteeManagerWrites):
    """As CommitteeManagerWrites, for viewsets that also delete; kept apart so a viewset without a
    delete route keeps no `can_delete`."""

    def can_delete(self, user, obj):
        return access.committee_can_manage(user)


class CommitteeSerializer(VersionRequired, serializers.ModelSerializer):
    secretariat_acronym = serializers.CharField(
        source="secretariat.acronym", read_only=True, default=None, allow_null=True
    )
    parent_reference = serializers.CharField(source="parent.reference", read_only=True, default=None, allow_null=True)
    ics_fields = serializers.SlugRelatedField(
        slug_field="code",
        queryset=IcsField.objects.all(),
        many=True,
        required=False,
        help_text='Its sectors: codes of fields of the International Classification for Standards ("13", "67"), '
        "set by the programme team (ISO Open Data gives none).",
    )
    p_count = serializers.IntegerField(read_only=True, help_text="P-members in force on the `on` date (today).")
    o_count = serializers.IntegerField(read_only=True, help_text="O-members in force on the `on` date (today).")
    # Whether a title is given at all, the service says in its own words ("the committee's title").
    title = MultilingualField(max_length=500)
    scope = MultilingualField(required=False, max_length=10000)
    version = serializers.IntegerField(
        required=False, help_text="The version you read; a write based on an older one is refused (409)."
    )

    class Meta:
        model = Committee
        fields = [
            "id",
            "body",
            "kind",
            "reference",
            "iso_id",
            "title",
            "scope",
            "parent",
            "parent_reference",
            "secretariat",
            "secretariat_acronym",
            "status",
            "creation_date",
            "disbanded_on",
            "sort_key",
            "study_period",
            "website",
            "source",
            "ics_fields",
            "p_count",
            "o_count",
            "version",
        ]
        read_only_fields = ["iso_id", "source"]
        # Uniqueness is checked by the service, with its own message.
        validators: list = []


def _on(request) -> datetime.date:
    field = serializers.DateField()
    value = request.query_params.get("on")
    if not value:
        return datetime.date.today()
    try:
        return field.to_internal_value(value)
    except serializers.ValidationError as exc:
        raise exceptions.ValidationError({"on": exc.detail}) from exc


@extend_schema_field(OpenApiTypes.STR)
class IcsFieldFilter(django_filters.ModelChoiceFilter):
    """An ICS field by its code ("13"), a text in the API schema."""


class CommitteeFilter(django_filters.FilterSet):
    body = django_filters.ChoiceFilter(choices=Committee.Body.choices)
    kind = django_filters.ChoiceFilter(choices=Committee.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Committee.Status.choices)
    parent = IdFilter(field_name="parent_id")
    member = IdFilter(method="filter_member", label="Id of an organisation that is a member today")
    country = django_filters.CharFilter(
        method="filter_country", label="ISO alpha-3 code of a country whose member sits in the committee today"
    )
    sector = IcsFieldFilter(
        queryset=IcsField.objects.all(),
        method="filter_sector",
        label="Code of an ICS field: the committees in it, with their subcommittees and working groups",
    )

    class Meta:
        model = Committee
        fields = ["body", "kind", "status", "parent", "member", "country", "sector"]

    def _members(self, condition: Q):
        in_force = CommitteeMembership.objects.filter(selectors.membership_in_force(datetime.date.today()))
        return in_force.filter(condition).values("committee_id")

    def filter_member(self, queryset, name, value):
        return queryset.filter(pk__in=self._members(Q(member_id=value)))

    def filter_country(self, queryset, name, value):
        return queryset.filter(pk__in=self._members(Q(member__country__iso3__iexact=value)))

    def filter_sector(self, queryset, name, value):
        return queryset.filter(selectors.in_sector(value.code))


class CommitteeViewSet(
    VersionedUpdateMixin,
    CommitteeManagerWrites,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Committees of standards bodies (ISO, IEC/ISO, ITU-T, others). Public. ISO committee data: ISO Open
    Data (ODC-By 1.0). `?on=YYYY-MM-DD` counts the members in force that day. A committee is never
    deleted: it is disbanded (status and date)."""

    serializer_class = CommitteeSerializer
    update_service = staticmethod(services.committee_update)
    update_keyword = "committee"
    update_fields = (*services.COMMITTEE_FIELDS, *services.COMMITTEE_RELATIONS)
    filterset_class = CommitteeFilter
    search_fields = ["reference"]
    ordering_fields = ["sort_key", "reference", "creation_date", "id"]
    ordering = ["sort_key", "reference"]

    def get_queryset(self):
        queryset = access.committee_data_visible(self.request.user, Committee.objects.all())
        return selectors.committees_with_counts(queryset, on=_on(self.request)).prefetch_related("ics_fields")

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        response["X-Attribution"] = str(ATTRIBUTION)
        return response

    def _fields(self, serializer):
        return {k: v for k, v in serializer.validated_data.items() if k in self.update_fields}

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = self._fields(serializer)
        committee = services.committee_create(
            actor=request.user,
            body=fields.pop("body"),
            kind=fields.pop("kind"),
            reference=fields.pop("reference"),
            title=fields.pop("title"),
            **fields,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=committee.pk)).data, status=201)


# Memberships and events -----------------------------------------------------------------------------------


class CommitteeMembershipSerializer(serializers.ModelSerializer):
    member_acronym = serializers.CharField(source="member.acronym", read_only=True, default=None, allow_null=True)
    committee_reference = serializers.CharField(source="committee.reference", read_only=True)

    class Meta:
        model = CommitteeMembership
        fields = [
            "id",
            "committee",
            "committee_reference",
            "member",
            "member_acronym",
            "liaison_name",
            "status",
            "since",
            "until",
        ]
        read_only_fields = fields


class CommitteeMembershipSetSerializer(serializers.Serializer):
    committee = serializers.PrimaryKeyRelatedField(queryset=Committee.objects.all())
    member = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    status = serializers.ChoiceField(choices=CommitteeMembership.Status.choices)
    on = serializers.DateField(required=False, help_text="Date of the change (default today).")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CommitteeMembershipEndSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text="Date the membership ended (default today).")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CommitteeMembershipFilter(django_filters.FilterSet):
    current = django_filters.BooleanFilter(field_name="until", lookup_expr="isnull", label="Only open intervals")
    country = django_filters.CharFilter(field_name="member__country__iso3", lookup_expr="iexact")

    class Meta:
        model = CommitteeMembership
        fields = ["committee", "member", "status", "current", "country"]


class CommitteeMembershipViewSet(
    CommitteeManagerWrites,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Participation of members in committees as dated intervals [since, until). Public. POST sets a
    member's status from a date (closing the current interval and recording the event)."""

    serializer_class = CommitteeMembershipSerializer
    filterset_class = CommitteeMembershipFilter
    ordering_fields = ["id", "since", "until"]
    ordering = ["id"]

    def get_queryset(self):
        queryset = CommitteeMembership.objects.select_related("committee", "member")
        return access.committee_data_visible(self.request.user, queryset)

    @extend_schema(request=CommitteeMembershipSetSerializer, responses=CommitteeMembershipSerializer)
    def create(self, request, *args, **kwargs):
        data = CommitteeMembershipSetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        membership = services.membership_set(
            actor=request.user,
            committee=values["committee"],
            member=values["member"],
            status=values["status"],
            on=values.get("on") or datetime.date.today(),
            note=values["note"],
        )
        body = dict(CommitteeMembershipSerializer(membership).data)
        warning = selectors.membership_status_warning(
            committee=values["committee"], member=values["member"], status=values["status"], on=membership.since
        )
        body["warnings"] = [warning] if warning else []
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=CommitteeMembershipEndSerializer, responses=CommitteeMembershipSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End this membership (the member left the committee)."""
        membership = self.get_object()
        data = CommitteeMembershipEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if membership.until is not None:
            return Response({"detail": _("This membership has already ended.")}, status=status.HTTP_400_BAD_REQUEST)
        if membership.member is None:
            return Response(
                {"detail": _("Liaisons from the ISO file end with the next import.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        services.membership_end(
            actor=request.user,
            committee=membership.committee,
            member=membership.member,
            on=data.validated_data.get("on") or datetime.date.today(),
            note=data.validated_data["note"],
        )
        membership.refresh_from_db()
        return Response(CommitteeMembershipSerializer(membership).data)


class ParticipationEventSerializer(serializers.ModelSerializer):
    committee_reference = serializers.CharField(source="committee.reference", read_only=True)
    organisation_acronym = serializers.CharField(
        source="organisation.acronym", read_only=True, default=None, allow_null=True
    )
    previous_organisation_acronym = serializers.CharField(
        source="previous_organisation.acronym", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = ParticipationEvent
        fields = [
            "id",
            "committee",
            "committee_reference",
            "kind",
            "date",
            "organisation",
            "organisation_acronym",
            "previous_organisation",
            "previous_organisation_acronym",
            "import_run",
            "note",
        ]


class ParticipationEventFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    country = django_filters.CharFilter(field_name="organisation__country__iso3", lookup_expr="iexact")

    class Meta:
        model = ParticipationEvent
        fields = ["committee", "organisation", "kind", "date_from", "date_to", "country"]


class ParticipationEventViewSet(viewsets.ReadOnlyModelViewSet):
    """Dated changes of participation (joined, moved O->P or P->O, left, secretariat moved...). Public."""

    serializer_class = ParticipationEventSerializer
    filterset_class = ParticipationEventFilter
    ordering_fields = ["date", "id"]
    ordering = ["-date", "id"]

    def get_queryset(self):
        queryset = ParticipationEvent.objects.select_related("committee", "organisation", "previous_organisation")
        return access.committee_data_visible(self.request.user, queryset)


# Leadership roles -----------------------------------------------------------------------------------------


class LeadershipRoleSerializer(VersionRequired, serializers.ModelSerializer):
    committee_reference = serializers.CharField(source="committee.reference", read_only=True)
    organisation_acronym = serializers.CharField(source="organisation.acronym", read_only=True)
    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, allow_null=True, write_only=True
    )
    person_name = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False)

    class Meta:
        model = LeadershipRole
        fields = [
            "id",
            "committee",
            "committee_reference",
            "role",
            "organisation",
            "organisation_acronym",
            "person",
            "person_name",
            "start_date",
            "end_date",
            "note",
            "version",
        ]

    def get_person_name(self, obj) -> str | None:
        # Who holds a chair is public in ISO and ITU; the contact record behind it (email...) is not.
        return str(obj.person) if obj.person_id else None


class LeadershipRoleFilter(django_filters.FilterSet):
    current = django_filters.BooleanFilter(field_name="end_date", lookup_expr="isnull", label="Only roles not ended")
    country = django_filters.CharFilter(field_name="organisation__country__iso3", lookup_expr="iexact")

    class Meta:
        model = LeadershipRole
        fields = ["committee", "organisation", "role", "current", "country"]


class LeadershipRoleViewSet(
    VersionedUpdateMixin,
    CommitteeManagerDeletes,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Chairs, vice-chairs, convenors, co-convenors, secretariats and co-secretariats, with dates. Public."""

    serializer_class = LeadershipRoleSerializer
    update_service = staticmethod(services.leadership_role_update)
    update_keyword = "leadership_role"
    update_fields = services.ROLE_FIELDS
    filterset_class = LeadershipRoleFilter
    ordering_fields = ["id", "start_date", "end_date"]
    ordering = ["id"]

    def get_queryset(self):
        queryset = LeadershipRole.objects.select_related("committee", "organisation", "person")
        return access.committee_data_visible(self.request.user, queryset)

    def _fields(self, serializer):
        return {k: v for k, v in serializer.validated_data.items() if k in services.ROLE_FIELDS}

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = self._fields(serializer)
        role = services.leadership_role_create(
            actor=request.user,
            committee=serializer.validated_data["committee"],
            role=fields.pop("role"),
            organisation=fields.pop("organisation"),
            **fields,
        )
        return Response(self.get_serializer(role).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.leadership_role_delete(actor=self.request.user, leadership_role=instance)


# Meetings, delegates, contributions -----------------------------------------------------------------------


class MeetingDelegateSerializer(VersionRequired, serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.__str__", read_only=True)
    organisation_acronym = serializers.CharField(source="organisation.acronym", read_only=True)
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = MeetingDelegate
        fields = [
            "id",
            "meeting",
            "person",
            "person_name",
            "organisation",
            "organisation_acronym",
            "role",
            "registered_on",
            "present",
            "remote",
            "sponsored",
            "version",
        ]
        read_only_fields = ["sponsored"]
        # Registering a person twice is refused by the service, with its own message.
        validators: list = []


class ContributionSerializer(VersionRequired, serializers.ModelSerializer):
    organisation_acronym = serializers.CharField(source="organisation.acronym", read_only=True)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Contribution
        fields = [
            "id",
            "meeting",
            "organisation",
            "organisation_acronym",
            "title",
            "document_reference",
            "url",
            "submitted_on",
            "version",
        ]


class MeetingSerializer(VersionRequired, serializers.ModelSerializer):
    committee_reference = serializers.CharField(source="committee.reference", read_only=True)
    country = serializers.SlugRelatedField(
        slug_field="iso3", queryset=Country.objects.all(), allow_null=True, required=False
    )
    title = MultilingualField(required=False, max_length=300)
    contributions = ContributionSerializer(many=True, read_only=True)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "committee",
            "committee_reference",
            "title",
            "start_date",
            "end_date",
            "mode",
            "place",
            "city",
            "country",
            "host",
            "contributions",
            "version",
        ]
        extra_kwargs = {"end_date": {"required": False}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # Delegates are people: listed only for those who may see some, and only those they may see.
        if self.context.get("show_delegates"):
            data["delegates"] = MeetingDelegateSerializer(getattr(instance, "visible_delegates", []), many=True).data
        return data


class MeetingFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(field_name="start_date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="start_date", lookup_expr="lte")

    class Meta:
        model = Meeting
        fields = ["committee", "mode", "date_from", "date_to"]


class MeetingViewSet(
    VersionedUpdateMixin,
    CommitteeManagerDeletes,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Committee meetings with their written contributions (public) and, for the programme team and the
    delegates' own organisations, their delegates."""

    serializer_class = MeetingSerializer
    update_service = staticmethod(services.meeting_update)
    update_keyword = "meeting"
    update_fields = services.MEETING_FIELDS
    filterset_class = MeetingFilter
    ordering_fields = ["start_date", "id"]
    ordering = ["-start_date", "id"]

    def get_queryset(self):
        user = self.request.user
        delegates = access.meeting_delegates_visible(
            user, MeetingDelegate.objects.select_related("person", "organisation")
        )
        queryset = Meeting.objects.select_related("committee", "country").prefetch_related(
            Prefetch("contributions", queryset=Contribution.objects.select_related("organisation")),
            Prefetch("delegates", queryset=delegates, to_attr="visible_delegates"),
        )
        return access.committee_data_visible(user, queryset)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["show_delegates"] = access.meeting_delegates_can_list(self.request.user)
        return context

    def _fields(self, serializer):
        return {k: v for k, v in serializer.validated_data.items() if k in services.MEETING_FIELDS}

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = self._fields(serializer)
        meeting = services.meeting_create(
            actor=request.user,
            committee=serializer.validated_data["committee"],
            start_date=fields.pop("start_date"),
            end_date=fields.pop("end_date", None),
            **fields,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data, status=201)

    def perform_destroy(self, instance):
        services.meeting_delete(actor=self.request.user, meeting=instance)


class MeetingDelegateViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Delegates registered for committee meetings (people: the programme team and the delegates' own
    organisations only). Focal points register their own organisation's delegates. `sponsored` is set by
    the sponsorship and fellowship workflow."""

    serializer_class = MeetingDelegateSerializer
    update_service = staticmethod(services.delegate_update)
    update_keyword = "delegate"
    update_fields = services.DELEGATE_FIELDS
    filterset_fields = ["meeting", "organisation", "present", "sponsored"]
    ordering_fields = ["id"]
    ordering = ["id"]

    def get_queryset(self):
        return access.meeting_delegates_visible(
            self.request.user, MeetingDelegate.objects.select_related("person", "organisation", "meeting")
        )

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not access.meeting_delegates_can_list(request.user):
            message = _("Delegates are shown to the programme team and their own organisation.")
            self.permission_denied(request, message=message)

    def can_create(self, user):
        return access.delegate_can_register(user, None)

    def can_change(self, user, obj):
        return access.delegate_can_change(user, obj)

    def can_delete(self, user, obj):
        return access.delegate_can_change(user, obj)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        person = values["person"]
        organisation = values.get("organisation") or person.organisation
        # "Not yours" answers 403 here, as it always has; the service refuses it too (400), whoever calls it,
        # and refuses a person the user may not register.
        if organisation is None or not access.delegate_can_register(request.user, organisation):
            return Response(
                {"organisation": [_("Register delegates of your own organisation.")]},
                status=status.HTTP_403_FORBIDDEN,
            )
        delegate = services.delegate_register(
            actor=request.user,
            meeting=values["meeting"],
            person=person,
            organisation=organisation,
            role=values.get("role", MeetingDelegate.Role.DELEGATE),
            registered_on=values.get("registered_on"),
        )
        return Response(self.get_serializer(delegate).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.delegate_remove(actor=self.request.user, delegate=instance)


class ContributionViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Written contributions submitted to committee meetings. Public; focal points submit their own
    organisation's."""

    serializer_class = ContributionSerializer
    update_service = staticmethod(services.contribution_update)
    update_keyword = "contribution"
    update_fields = services.CONTRIBUTION_FIELDS

    def update_refused(self, record, serializer):
        organisation = serializer.validated_data.get("organisation")
        if organisation is not None and not access.contribution_can_create(self.request.user, organisation):
            return Response(
                {"organisation": [_("Submit contributions of your own organisation.")]},
                status=status.HTTP_403_FORBIDDEN,
            )
        return None

    filterset_fields = ["meeting", "organisation", "meeting__committee"]
    ordering_fields = ["submitted_on", "id"]
    ordering = ["-submitted_on", "id"]

    def get_queryset(self):
        queryset = Contribution.objects.select_related("organisation")
        return access.committee_data_visible(self.request.user, queryset)

    def can_create(self, user):
        return access.contribution_can_create(user, None)

    def can_change(self, user, obj):
        return access.contribution_can_change(user, obj)

    def can_delete(self, user, obj):
        return access.contribution_can_change(user, obj)

    def _fields(self, serializer):
        return {k: v for k, v in serializer.validated_data.items() if k in services.CONTRIBUTION_FIELDS}

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = self._fields(serializer)
        if not access.contribution_can_create(request.user, fields["organisation"]):
            return Response(
                {"organisation": [_("Submit contributions of your own organisation.")]},
                status=status.HTTP_403_FORBIDDEN,
            )
        contribution = services.contribution_create(
            actor=request.user,
            meeting=serializer.validated_data["meeting"],
            organisation=fields.pop("organisation"),
            title=fields.pop("title"),
            submitted_on=fields.pop("submitted_on"),
            **fields,
        )
        return Response(self.get_serializer(contribution).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.contribution_delete(actor=self.request.user, contribution=instance)


# Participation measures -----------------------------------------------------------------------------------


class ParticipationMeasuresSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Organisation id or country ISO alpha-3 code.")
    # DRF takes declared fields off the class, so this field does not replace Field.label (which mypy sees).
    label = serializers.CharField()  # type: ignore[assignment]
    p_count = serializers.IntegerField()
    o_count = serializers.IntegerField()
    p_share = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    leadership = serializers.IntegerField()
    meetings_attended = serializers.IntegerField()
    contributions = serializers.IntegerField()
    committees = serializers.IntegerField()


class ParticipationViewSet(viewsets.ViewSet):
    """Participation measures per member or per country on a date (`on`, default today): P and O counts,
    share of committees, leadership positions; meetings attended and contributions from `from` (default
    1 January) to `on`. Public aggregates."""

    @extend_schema(
        parameters=[
            OpenApiParameter("group", str, enum=["member", "country"]),
            OpenApiParameter("on", datetime.date),
            OpenApiParameter("from", datetime.date),
            OpenApiParameter("body", str, enum=Committee.Body.values),
        ],
        responses=ParticipationMeasuresSerializer(many=True),
    )
    def list(self, request):
        group = request.query_params.get("group", "country")
        if group not in ("member", "country"):
            raise exceptions.ValidationError({"group": _("Choose member or country.")})
        body = request.query_params.get("body") or None
        if body and body not in Committee.Body.values:
            raise exceptions.ValidationError({"body": _("Unknown body.")})
        on = _on(request)
        start = None
        if request.query_params.get("from"):
            try:
                start = serializers.DateField().to_internal_value(request.query_params["from"])
            except serializers.ValidationError as exc:
                raise exceptions.ValidationError({"from": exc.detail}) from exc
        found = selectors.participation_by(group=group, on=on, start=start, body=body)
        if group == "member":
            labels = dict(
                organisations_access.organisations_visible(request.user)
                .filter(pk__in=found.keys())
                .values_list("pk", "acronym")
            )
            keys = {pk: str(pk) for pk in labels}
        else:
            countries = Country.objects.filter(pk__in=found.keys()).values_list("pk", "iso3", "name")
            labels = {pk: name.get("en", iso3) for pk, iso3, name in countries}
            keys = {pk: iso3 for pk, iso3, _name in countries}
        rows = [
            {"key": keys[pk], "label": labels[pk], **measures.as_dict()}
            for pk, measures in found.items()
            if pk in labels
        ]
        rows.sort(key=lambda row: (-row["p_count"], row["label"]))
        return Response(ParticipationMeasuresSerializer(rows, many=True).data)


def routes(router) -> None:
    router.register("committees", CommitteeViewSet, basename="committee")
    router.register("committee-memberships", CommitteeMembershipViewSet, basename="committee-membership")
    router.register("participation-events", ParticipationEventViewSet, basename="participation-event")
    router.register("leadership-roles", LeadershipRoleViewSet, basename="leadership-role")
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("meeting-delegates", MeetingDelegateViewSet, basename="meeting-delegate")
    router.register("contributions", ContributionViewSet, basename="contribution")
    router.register("participation", ParticipationViewSet, basename="participation")
