from django.contrib import admin

from jalon.twinning.models import TwinningSettings


@admin.register(TwinningSettings)
class TwinningSettingsAdmin(admin.ModelAdmin):
    list_display = ["programme", "overdue_days", "follow_up_months"]
