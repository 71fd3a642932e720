"""What platform administrators set without a page of its own: each programme's thresholds for the
financial ratios (defaults apply where a programme sets none)."""

from django.contrib import admin

from jalon.assessments.models import RatioThreshold


@admin.register(RatioThreshold)
class RatioThresholdAdmin(admin.ModelAdmin):
    list_display = ["programme", "ratio", "medium", "high"]
    list_filter = ["ratio"]
