from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "jalon.backup"
    label = "backup"
    verbose_name = "Backup and restore"
