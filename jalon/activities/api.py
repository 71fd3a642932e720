"""API endpoints for activities; `routes` registers them on the v1 router.

Activities and their sessions are public when published. Participants, registrations, attendance and
evaluations are personal data: only the activity's organisers and the programme team see them
(accounts.access decides). Writes go through jalon.activities.services.
"""

import django_filters
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jalon.activities import access, selectors, services
from jalon.activities.models import Activity, ActivitySession, Attendance, FollowUp, Registration, activity_ids_serving
from jalon.activities.people import people_duplicates
from jalon.api.fields import MultilingualField
from jalon.api.filters import IdFilter
from jalon.api.versions import VersionedUpdateMixin, VersionRequired
from jalon.lib.smallgroups import count_shown, part_count_shown
from jalon.organisations import access as organisations_access
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import Country, Currency, Language, Region
from jalon.results.models import Result

MAX_TEXT = 20000


def _user(serializer):
    request = serializer.context.get("request")
    return request.user if request is not None else None


@extend_schema_field(OpenApiTypes.STR)
class OutputField(serializers.RelatedField):
    """A result as "<programme code>/<result code>" (e.g. "iso-ap-2021-2025/IO2.1")."""

    default_error_messages = {
        "invalid": gettext_lazy('Write an output as "<programme code>/<result code>".'),
        "does_not_exist": gettext_lazy("No result %(value)s in a programme you can see."),
    }

    def to_representation(self, value):
        return f"{value.programme.code}/{value.code}"

    def to_internal_value(self, data):
        if not isinstance(data, str) or data.count("/") != 1 or len(data) > 100:
            self.fail("invalid")
        programme, code = data.split("/")
        result = self.get_queryset().filter(programme__code=programme, code=code).select_related("programme").first()
        if result is None:
            self.fail("does_not_exist", value=data)
        return result


# Activities ---------------------------------------------------------------------------------------------


class ActivitySerializer(VersionRequired, serializers.ModelSerializer):
    title = MultilingualField(max_length=MAX_TEXT)
    description = MultilingualField(max_length=MAX_TEXT, required=False)
    countries = serializers.SlugRelatedField(
        slug_field="iso3", many=True, queryset=Country.objects.all(), required=False
    )
    region = serializers.SlugRelatedField(
        slug_field="m49", queryset=Region.objects.all(), allow_null=True, required=False
    )
    venue_country = serializers.SlugRelatedField(
        slug_field="iso3", queryset=Country.objects.all(), allow_null=True, required=False
    )
    languages = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Language.objects.all(), required=False
    )
    organiser = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.none())
    partners = serializers.PrimaryKeyRelatedField(many=True, queryset=Organisation.objects.none(), required=False)
    donors = serializers.PrimaryKeyRelatedField(many=True, queryset=Organisation.objects.none(), required=False)
    planned_budget_currency = serializers.SlugRelatedField(
        slug_field="code", queryset=Currency.objects.all(), allow_null=True, required=False
    )
    actual_cost_currency = serializers.SlugRelatedField(
        slug_field="code", queryset=Currency.objects.all(), allow_null=True, required=False
    )
    outputs = OutputField(many=True, queryset=Result.objects.none(), required=False)
    # Null where the group is smaller than JALON_REACH_MIN_GROUP and the caller may not see the participants,
    # as on the pages (activities.reach: the small-group rule).
    registered_count = serializers.IntegerField(read_only=True, allow_null=True)
    completed_count = serializers.IntegerField(read_only=True, allow_null=True)
    version = serializers.IntegerField(
        required=False, help_text="The version you read; a write based on an older one is refused (409)."
    )

    class Meta:
        model = Activity
        fields = [
            "id",
            "code",
            "title",
            "description",
            "type",
            "modality",
            "level",
            "countries",
            "region",
            "languages",
            "start_date",
            "end_date",
            "venue",
            "venue_country",
            "capacity",
            "organiser",
            "partners",
            "donors",
            "status",
            "planned_budget",
            "planned_budget_currency",
            "actual_cost",
            "actual_cost_currency",
            "outputs",
            "published",
            "is_demo",
            "registered_count",
            "completed_count",
            "version",
        ]
        read_only_fields = ["is_demo"]
        # Uniqueness is checked by the service (full_clean), with its translated message.
        validators: list = []
        extra_kwargs = {"code": {"validators": []}, "capacity": {"max_value": 1_000_000}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = _user(self)
        exact = user is not None and access.activity_participants_visible(user, instance)
        registered = data.get("registered_count")
        if registered is not None:
            # The small-group rule of the pages (smallgroups): nor the completed, nor those who did not complete.
            data["registered_count"] = count_shown(registered, exact=exact)
            if data.get("completed_count") is not None:
                data["completed_count"] = part_count_shown(data["completed_count"], registered, exact=exact)
        return data

    def get_fields(self):
        fields = super().get_fields()
        user = _user(self)
        if user is not None:
            visible = organisations_access.organisations_visible(user)
            fields["organiser"].queryset = access.activity_organisers_for(user, visible)
            fields["partners"].child_relation.queryset = visible
            fields["donors"].child_relation.queryset = visible
            fields["outputs"].child_relation.queryset = access.activity_outputs_for(user)
        return fields

    def validate(self, attrs):
        for amount in ("planned_budget", "actual_cost"):
            if attrs.get(amount) is not None and attrs[amount] < 0:
                raise serializers.ValidationError({amount: _("An amount cannot be negative.")})
        return attrs


class ActivityFilter(django_filters.FilterSet):
    type = django_filters.MultipleChoiceFilter(choices=Activity.Type.choices)
    level = django_filters.MultipleChoiceFilter(choices=Activity.Level.choices)
    modality = django_filters.MultipleChoiceFilter(choices=Activity.Modality.choices)
    status = django_filters.MultipleChoiceFilter(choices=Activity.Status.choices)
    country = django_filters.CharFilter(method="filter_country", label="ISO alpha-3 code of a country concerned")
    region = django_filters.CharFilter(method="filter_region", label="M49 code of a region")
    language = django_filters.CharFilter(field_name="languages__code", lookup_expr="iexact", distinct=True)
    programme = django_filters.CharFilter(method="filter_programme", label="Code of a programme the activity serves")
    organiser = IdFilter(field_name="organiser_id")
    starts_from = django_filters.DateFilter(field_name="end_date", lookup_expr="gte", label="Ends on or after")
    ends_by = django_filters.DateFilter(field_name="start_date", lookup_expr="lte", label="Starts on or before")

    class Meta:
        model = Activity
        fields = ["type", "level", "modality", "status", "country", "region", "language", "programme", "organiser"]

    def filter_country(self, queryset, name, value):
        serving = Activity.countries.through.objects.filter(country__iso3__iexact=value).values("activity_id")
        return queryset.filter(pk__in=serving)

    def filter_region(self, queryset, name, value):
        countries = Activity.countries.through.objects.filter(
            Q(country__region__m49=value) | Q(country__sub_region__m49=value)
        ).values("activity_id")
        return queryset.filter(Q(region__m49=value) | Q(pk__in=countries))

    def filter_programme(self, queryset, name, value):
        return queryset.filter(pk__in=activity_ids_serving(programme__code=value))


class ActivityViewSet(VersionedUpdateMixin, viewsets.ModelViewSet):
    """Capacity-building activities. Published ones are public; writes for their organisers and the
    programme team. Participant counts are aggregates, for everyone."""

    serializer_class = ActivitySerializer
    update_service = staticmethod(services.activity_update)
    update_keyword = "activity"
    update_fields = (*services.ACTIVITY_FIELDS, *services.ACTIVITY_RELATIONS)
    filterset_class = ActivityFilter
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    search_fields = ["code", "title", "venue"]
    ordering_fields = ["start_date", "end_date", "code"]
    ordering = ["-start_date", "code"]

    def get_queryset(self):
        queryset = access.activities_visible(self.request.user)
        return (
            selectors.activities_listed(queryset)
            .prefetch_related(None)
            .prefetch_related(
                "countries",
                "languages",
                "partners",
                "donors",
                Prefetch("outputs", queryset=Result.objects.select_related("programme")),
            )
        )

    def can_create(self, user):
        return access.activity_can_create(user)

    def can_change(self, user, obj):
        return access.activity_can_manage(user, obj)

    def can_delete(self, user, obj):
        return access.activity_can_delete(user, obj)

    @staticmethod
    def _fields(data) -> dict:
        return {k: v for k, v in data.items() if k in services.ACTIVITY_FIELDS + services.ACTIVITY_RELATIONS}

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Whether the user may record for this organiser and these outputs: the service decides.
        activity = services.activity_create(actor=request.user, **self._fields(serializer.validated_data))
        return Response(self.get_serializer(self.get_queryset().get(pk=activity.pk)).data, status=201)

    def perform_destroy(self, instance):
        services.activity_delete(actor=self.request.user, activity=instance)


# Sessions -------------------------------------------------------------------------------------------------


class SessionSerializer(serializers.ModelSerializer):
    activity = serializers.SlugRelatedField(slug_field="code", queryset=Activity.objects.none())
    # Null where those present, or those absent, are a group smaller than JALON_REACH_MIN_GROUP and the
    # caller may not see the participants (smallgroups, as on the activity page).
    present_count = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = ActivitySession
        fields = ["id", "activity", "date", "start_time", "end_time", "title", "present_count"]

    def get_fields(self):
        fields = super().get_fields()
        user = _user(self)
        if user is not None:
            fields["activity"].queryset = access.activities_manageable(user, access.activities_visible(user))
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = _user(self)
        if data.get("present_count") is not None:
            exact = user is not None and access.activity_participants_visible(user, instance.activity)
            registered = getattr(instance, "registered_count", None)
            if registered is None:
                registered = instance.activity.registrations.filter(status=Registration.Status.REGISTERED).count()
            data["present_count"] = part_count_shown(data["present_count"], registered, exact=exact)
        return data


class SessionViewSet(viewsets.ModelViewSet):
    """Sessions (days, sittings) of visible activities; attendance is taken per session."""

    serializer_class = SessionSerializer
    filterset_fields = {"activity__code": ["exact"], "date": ["gte", "lte"]}
    ordering_fields = ["date", "id"]
    ordering = ["date", "id"]

    def get_queryset(self):
        from django.db.models import Count

        return (
            ActivitySession.objects.filter(activity__in=access.activities_visible(self.request.user).values("pk"))
            .select_related("activity")
            .annotate(
                present_count=Count("attendances", filter=Q(attendances__present=True)),
                registered_count=Coalesce(
                    Subquery(
                        Registration.objects.filter(
                            activity=OuterRef("activity"), status=Registration.Status.REGISTERED
                        )
                        .order_by()
                        .values("activity")
                        .annotate(count=Count("pk"))
                        .values("count")
                    ),
                    0,
                ),
            )
        )

    def can_create(self, user):
        return access.activity_can_create(user)

    def can_change(self, user, obj):
        return access.activity_can_manage(user, obj.activity)

    def can_delete(self, user, obj):
        return access.activity_can_manage(user, obj.activity)

    @staticmethod
    def _fields(data):
        return {k: v for k, v in data.items() if k in services.SESSION_FIELDS}

    def perform_create(self, serializer):
        serializer.instance = services.session_create(
            actor=self.request.user,
            activity=serializer.validated_data["activity"],
            **self._fields(serializer.validated_data),
        )

    def perform_update(self, serializer):
        activity = serializer.validated_data.get("activity")
        if activity is not None and activity.pk != serializer.instance.activity_id:
            raise serializers.ValidationError({"activity": [_("A session cannot move to another activity.")]})
        serializer.instance = services.session_update(
            actor=self.request.user, session=serializer.instance, **self._fields(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        services.session_delete(actor=self.request.user, session=instance)


# Participants ---------------------------------------------------------------------------------------------


class ParticipantSerializer(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(), allow_null=True, required=False
    )
    country = serializers.SlugRelatedField(
        slug_field="iso3", queryset=Country.objects.all(), allow_null=True, required=False
    )
    activities_count = serializers.IntegerField(read_only=True, default=None, allow_null=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "given_name",
            "family_name",
            "email",
            "phone",
            "job_title",
            "sex",
            "function",
            "organisation",
            "country",
            "anonymised_at",
            "activities_count",
        ]
        read_only_fields = ["anonymised_at"]

    def get_fields(self):
        fields = super().get_fields()
        user = _user(self)
        if user is not None:
            fields["organisation"].queryset = organisations_access.organisations_visible(user)
        return fields


class MergeSerializer(serializers.Serializer):
    duplicate = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), help_text="The record to fold into this one; it is deleted."
    )


class ParticipantViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """People registered in activities whose participants the user may see. Records are created by
    registrations (one person, one record); a person is erased (anonymised), never deleted here."""

    serializer_class = ParticipantSerializer
    filterset_fields = ["sex", "function", "organisation", "country__iso3"]
    search_fields = ["given_name", "family_name", "email"]
    ordering_fields = ["family_name", "given_name", "id"]
    ordering = ["family_name", "given_name", "id"]

    def get_queryset(self):
        return selectors.people_with_history(access.people_of_activities_visible(self.request.user))

    def can_change(self, user, obj):
        return access.person_can_see_history(user, obj)

    def perform_update(self, serializer):
        if serializer.instance.anonymised_at:
            raise serializers.ValidationError(_("This person's data were erased: the record cannot change."))
        data = {k: v for k, v in serializer.validated_data.items() if k in services.PERSON_FIELDS}
        serializer.instance = services.participant_update(actor=self.request.user, person=serializer.instance, **data)

    def _team_only(self):
        if not access.people_can_merge(self.request.user):
            return Response(
                {"detail": _("Only the programme team merges, exports and erases people's records.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        return None

    @extend_schema(
        responses=inline_serializer(
            "PersonExport", {"person": serializers.DictField(), "registrations": serializers.ListField()}
        )
    )
    @action(detail=True)
    def export(self, request, pk=None):
        """Everything held about the person, as JSON (right of access)."""
        person = self.get_object()
        if not access.person_can_export(request.user, person):
            return self._team_only()
        return Response(services.person_export(actor=request.user, person=person))

    @extend_schema(request=None, responses=ParticipantSerializer)
    @action(detail=True, methods=["post"])
    def erase(self, request, pk=None):
        """Anonymise the person: names and contacts go, sex, country and organisation stay for the counts."""
        person = self.get_object()
        if not access.person_can_erase(request.user, person):
            return self._team_only()
        person = services.person_erase(actor=request.user, person=person)
        return Response(self.get_serializer(self.get_queryset().get(pk=person.pk)).data)

    @extend_schema(request=MergeSerializer, responses=ParticipantSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Fold another record of the same person into this one (registrations, attendance, results move)."""
        person = self.get_object()
        refused = self._team_only()
        if refused:
            return refused
        body = MergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        person = services.person_merge(actor=request.user, keep=person, duplicate=body.validated_data["duplicate"])
        return Response(self.get_serializer(self.get_queryset().get(pk=person.pk)).data)

    @extend_schema(
        responses=inline_serializer(
            "DuplicateGroup",
            {"reason": serializers.CharField(), "people": ParticipantSerializer(many=True)},
            many=True,
        )
    )
    @action(detail=False, pagination_class=None)  # one list, not pages: the schema says so too
    def duplicates(self, request):
        """Groups of records the matching rule says are one person (same email; or same name and organisation)."""
        refused = self._team_only()
        if refused:
            return refused
        groups = people_duplicates()[:500]
        context = self.get_serializer_context()
        return Response(
            [
                {
                    "reason": group.reason,
                    "people": ParticipantSerializer(group.people, many=True, context=context).data,
                }
                for group in groups
            ]
        )


# Registrations --------------------------------------------------------------------------------------------


class PersonDetailsSerializer(serializers.Serializer):
    given_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    family_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    job_title = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    sex = serializers.ChoiceField(choices=Person.Sex.choices, required=False, allow_blank=True, default="")
    function = serializers.ChoiceField(choices=Person.Function.choices, required=False, allow_blank=True, default="")
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.none(), required=False)
    country = serializers.SlugRelatedField(slug_field="iso3", queryset=Country.objects.all(), required=False)

    def get_fields(self):
        fields = super().get_fields()
        user = _user(self)  # a nested serializer reads its root's context
        if user is not None:
            fields["organisation"].queryset = organisations_access.organisations_visible(user)
        return fields

    def validate(self, attrs):
        if not attrs.get("given_name", "").strip() and not attrs.get("family_name", "").strip():
            raise serializers.ValidationError({"family_name": [_("Give the participant's name.")]})
        return attrs


class PersonSummarySerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.acronym", default=None, allow_null=True, read_only=True)
    country = serializers.CharField(source="country.iso3", default=None, allow_null=True, read_only=True)

    class Meta:
        model = Person
        fields = ["id", "given_name", "family_name", "email", "sex", "function", "organisation", "country"]


class RegistrationSerializer(VersionRequired, serializers.ModelSerializer):
    activity = serializers.SlugRelatedField(slug_field="code", queryset=Activity.objects.none())
    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.none(),
        required=False,
        write_only=True,
        help_text="An existing participant's id; or give person_details to find or create the record.",
    )
    person_details = PersonDetailsSerializer(required=False, write_only=True)
    participant = PersonSummarySerializer(source="person", read_only=True)
    sessions_attended = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Registration
        fields = [
            "id",
            "activity",
            "person",
            "person_details",
            "participant",
            "registered_at",
            "status",
            "source",
            "import_reference",
            "completed",
            "completed_on",
            "certificate_code",
            "certificate_issued_at",
            "sessions_attended",
            "version",
        ]
        read_only_fields = ["registered_at", "completed_on", "certificate_code", "certificate_issued_at"]
        validators: list = []

    def get_fields(self):
        fields = super().get_fields()
        user = _user(self)
        if user is not None:
            fields["activity"].queryset = access.activities_manageable(user, access.activities_visible(user))
            fields["person"].queryset = access.people_of_activities_visible(user) | organisations_access.people_visible(
                user
            )
        return fields

    def validate(self, attrs):
        if self.instance is None and not attrs.get("person") and not attrs.get("person_details"):
            raise serializers.ValidationError({"person": [_("Give a participant's id or their details.")]})
        return attrs


class RegistrationFilter(django_filters.FilterSet):
    activity = django_filters.CharFilter(field_name="activity__code")
    person = IdFilter(field_name="person_id")
    status = django_filters.ChoiceFilter(choices=Registration.Status.choices)
    completed = django_filters.BooleanFilter()

    class Meta:
        model = Registration
        fields = ["activity", "person", "status", "completed"]


class RegistrationViewSet(VersionedUpdateMixin, viewsets.ModelViewSet):
    """Who registered for which activity, completed it, and holds which certificate code. Personal data:
    the activity's organisers and the programme team only."""

    serializer_class = RegistrationSerializer
    update_service = staticmethod(services.registration_update)
    update_keyword = "registration"
    update_fields = ("status", "source", "import_reference", "completed")

    def update_refused(self, record, serializer):
        data = serializer.validated_data
        if data.get("activity", record.activity).pk != record.activity_id or (
            data.get("person") and data["person"].pk != record.person_id
        ):
            return Response(
                {"activity": [_("A registration cannot move to another activity or person.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return None

    filterset_class = RegistrationFilter
    search_fields = ["person__family_name", "person__given_name", "person__email"]
    ordering_fields = ["registered_at", "id"]
    ordering = ["id"]

    def get_queryset(self):
        return selectors.registrations_listed(access.registrations_visible(self.request.user))

    def can_create(self, user):
        return access.activity_can_create(user)

    def can_change(self, user, obj):
        return access.registration_can_change(user, obj)

    def can_delete(self, user, obj):
        return access.registration_can_change(user, obj)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        details = data.pop("person_details", None)
        completed = data.pop("completed", False)
        fields = {k: v for k, v in data.items() if k in ("status", "source", "import_reference")}
        registration = services.registration_create(
            actor=request.user,
            activity=data["activity"],
            person=data.get("person"),
            person_details={k: v for k, v in (details or {}).items() if v not in ("", None)} or None,
            **fields,
        )
        if completed:
            registration = services.registration_complete(actor=request.user, registration=registration)
        return Response(self.get_serializer(self.get_queryset().get(pk=registration.pk)).data, status=201)

    def perform_destroy(self, instance):
        services.registration_delete(actor=self.request.user, registration=instance)


# Attendance -----------------------------------------------------------------------------------------------


class AttendanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["id", "registration", "session", "present", "recorded_at"]
        read_only_fields = ["registration", "session", "recorded_at"]


class AttendanceMarkSerializer(serializers.Serializer):
    registration = serializers.IntegerField(min_value=1)
    present = serializers.BooleanField()


class AttendanceRecordSerializer(serializers.Serializer):
    session = serializers.PrimaryKeyRelatedField(queryset=ActivitySession.objects.none())
    marks: serializers.ListSerializer = serializers.ListSerializer(
        child=AttendanceMarkSerializer(), allow_empty=False, max_length=5000
    )

    def get_fields(self):
        fields = super().get_fields()
        user = _user(self)
        if user is not None:
            fields["session"].queryset = ActivitySession.objects.filter(
                activity__in=access.activities_manageable(user).values("pk")
            ).select_related("activity")
        return fields


class AttendanceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Presence per registration and session. POST records a whole session at once."""

    serializer_class = AttendanceSerializer
    filterset_fields = {"session": ["exact"], "registration": ["exact"], "session__activity__code": ["exact"]}
    ordering_fields = ["id"]
    ordering = ["id"]

    def get_queryset(self):
        return access.attendance_visible(self.request.user)

    def can_create(self, user):
        return access.activity_can_create(user)

    def can_change(self, user, obj):
        return access.activity_can_manage(user, obj.session.activity)

    @extend_schema(request=AttendanceRecordSerializer, responses=AttendanceSerializer(many=True))
    def create(self, request, *args, **kwargs):
        body = AttendanceRecordSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        session = body.validated_data["session"]
        marks = {}
        for mark in body.validated_data["marks"]:
            marks[mark["registration"]] = mark["present"]
        services.attendance_record(actor=request.user, session=session, present=marks)
        rows = self.get_queryset().filter(session=session, registration_id__in=marks).order_by("id")
        return Response(AttendanceSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        row = self.get_object()
        serializer = self.get_serializer(row, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        present = serializer.validated_data.get("present", row.present)
        services.attendance_record(actor=request.user, session=row.session, present={row.registration_id: present})
        return Response(self.get_serializer(self.get_queryset().get(pk=row.pk)).data)


# Evaluations ----------------------------------------------------------------------------------------------


class EvaluationSerializer(VersionRequired, serializers.ModelSerializer):
    activity = serializers.CharField(source="activity.code", read_only=True)
    person = serializers.IntegerField(source="person_id", read_only=True)
    pre_test_score = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, allow_null=True, required=False
    )
    post_test_score = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, allow_null=True, required=False
    )
    satisfaction = serializers.IntegerField(min_value=1, max_value=5, allow_null=True, required=False)
    satisfaction_comment = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=False)
    followup_applied = serializers.ChoiceField(choices=FollowUp.choices, allow_blank=True, required=False)
    followup_comment = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=False)
    knowledge_gain = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True, allow_null=True)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Registration
        fields = [
            "id",
            "activity",
            "person",
            "pre_test_score",
            "post_test_score",
            "knowledge_gain",
            "satisfaction",
            "satisfaction_comment",
            "followup_applied",
            "followup_comment",
            "followup_date",
            "version",
        ]


class EvaluationViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Knowledge tests (before, after), satisfaction survey and follow-up survey of each registration.
    Their id is the registration's."""

    serializer_class = EvaluationSerializer
    update_service = staticmethod(services.evaluation_record)
    update_keyword = "registration"
    update_fields = services.EVALUATION_FIELDS
    filterset_fields = {"activity__code": ["exact"], "person": ["exact"], "followup_applied": ["exact"]}
    ordering_fields = ["id"]
    ordering = ["id"]

    def get_queryset(self):
        return access.registrations_visible(self.request.user).select_related("activity")

    def can_change(self, user, obj):
        return access.registration_can_change(user, obj)


# Certificates ---------------------------------------------------------------------------------------------


class CertificateSerializer(serializers.Serializer):
    code = serializers.CharField(source="certificate_code")
    valid = serializers.BooleanField(default=True)
    participant = serializers.CharField(source="person.__str__")
    activity = serializers.CharField(source="activity.__str__")
    activity_code = serializers.CharField(source="activity.code")
    organiser = serializers.CharField(source="activity.organiser.__str__")
    completed_on = serializers.DateField()


class CertificateViewSet(viewsets.ViewSet):
    """Check a certificate's verification code (public, as printed on the certificate)."""

    lookup_field = "code"
    lookup_value_regex = "[-A-Za-z0-9 ]{1,40}"

    @extend_schema(responses=CertificateSerializer)
    def retrieve(self, request, code=None):
        registration = selectors.certificate_lookup(code=code)
        if registration is None:
            return Response({"valid": False, "detail": _("No certificate has this code.")}, status=404)
        return Response(CertificateSerializer(registration).data)


def routes(router) -> None:
    router.register("activities", ActivityViewSet, basename="activity")
    router.register("activity-sessions", SessionViewSet, basename="activity-session")
    router.register("participants", ParticipantViewSet, basename="participant")
    router.register("registrations", RegistrationViewSet, basename="registration")
    router.register("attendance", AttendanceViewSet, basename="attendance")
    router.register("evaluations", EvaluationViewSet, basename="evaluation")
    router.register("certificates", CertificateViewSet, basename="certificate")
