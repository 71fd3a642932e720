"""Results frameworks in the Django admin (platform administrators). The admin writes outside the
services, so each save or delete here also replaces the programme's progress stamp: the cached progress
pages must not outlive an admin edit (jalon/results/progress_cache.py)."""

from django.contrib import admin

from jalon.accounts.admin import AuditedAdmin
from jalon.results.models import (
    Dimension,
    DimensionValue,
    DisaggregatedTarget,
    Indicator,
    Level,
    Measurement,
    MeasurementComment,
    Milestone,
    Narrative,
    Period,
    Programme,
    Result,
)
from jalon.results.progress_cache import progress_changed


def programme_id_of(obj) -> int | None:
    """The programme whose progress a results record feeds."""
    if isinstance(obj, Programme):
        return obj.pk
    if isinstance(obj, Level | Period | Result | Dimension):
        return obj.programme_id
    if isinstance(obj, Indicator):
        return obj.result.programme_id
    if isinstance(obj, Milestone | Narrative | DisaggregatedTarget):
        return obj.indicator.result.programme_id
    if isinstance(obj, DimensionValue):
        return obj.dimension.programme_id
    if isinstance(obj, Measurement):
        return obj.period.programme_id
    raise TypeError(f"not a results record: {type(obj).__name__}")


class ProgressAdmin(AuditedAdmin):
    """Every admin write replaces the stamp of the programme it belongs to, inlines and many-to-many
    included (save_related runs after them, in the same transaction)."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        progress_changed(programme_id_of(form.instance))

    def delete_model(self, request, obj):
        programme_id = programme_id_of(obj)
        super().delete_model(request, obj)
        progress_changed(programme_id)

    def delete_queryset(self, request, queryset):
        programme_ids = {programme_id_of(obj) for obj in queryset}
        super().delete_queryset(request, queryset)
        progress_changed(*programme_ids)


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0


class PeriodInline(admin.TabularInline):
    model = Period
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(ProgressAdmin):
    list_display = ["code", "owner", "start_date", "end_date", "published"]
    list_filter = ["published", "is_demo"]
    search_fields = ["code"]
    inlines = [LevelInline, PeriodInline]


@admin.register(Result)
class ResultAdmin(ProgressAdmin):
    list_display = ["code", "programme", "level", "parent", "order"]
    list_filter = ["programme"]
    search_fields = ["code"]
    list_select_related = ["programme", "level", "parent"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(ProgressAdmin):
    list_display = ["code", "result", "measure", "cumulation", "source"]
    list_filter = ["result__programme", "measure", "source"]
    search_fields = ["code"]
    list_select_related = ["result"]
    inlines = [MilestoneInline]


class DimensionValueInline(admin.TabularInline):
    model = DimensionValue
    extra = 0


@admin.register(Dimension)
class DimensionAdmin(ProgressAdmin):
    list_display = ["code", "programme", "kind"]
    list_filter = ["programme", "kind"]
    inlines = [DimensionValueInline]


@admin.register(Measurement)
class MeasurementAdmin(ProgressAdmin):
    list_display = ["indicator", "period", "dimension_value", "organisation", "value", "status"]
    list_filter = ["status", "computed", "indicator__result__programme"]
    list_select_related = ["indicator", "period", "dimension_value", "organisation"]
    raw_id_fields = ["indicator", "period", "dimension_value", "organisation", "author", "reviewer"]


@admin.register(MeasurementComment)
class MeasurementCommentAdmin(AuditedAdmin):
    """A value's thread: it feeds no progress figure, so no stamp to replace."""

    list_display = ["measurement", "author", "created_at"]
    list_filter = ["measurement__indicator__result__programme"]
    search_fields = ["body"]
    list_select_related = ["measurement", "author"]
    raw_id_fields = ["measurement", "author"]


@admin.register(Narrative)
class NarrativeAdmin(ProgressAdmin):
    """The tracking table and its exports show the narratives: a change replaces the programme's stamp."""

    list_display = ["indicator", "period", "author", "updated_at"]
    list_filter = ["indicator__result__programme"]
    list_select_related = ["indicator__result", "period", "author"]
    raw_id_fields = ["indicator", "period", "author"]


@admin.register(DisaggregatedTarget)
class DisaggregatedTargetAdmin(ProgressAdmin):
    list_display = ["indicator", "period", "dimension_value", "value"]
    list_filter = ["indicator__result__programme"]
    list_select_related = ["indicator__result", "period", "dimension_value"]
    raw_id_fields = ["indicator", "period", "dimension_value"]
